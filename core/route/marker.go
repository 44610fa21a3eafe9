package route

import (
	"reflect"
	"slices"
)

// Adapters let declarations sit where the framework puts per-route code: among
// a gin route's handlers, an echo route's middleware, a fiber route's
// handlers. A declaration travels as a handler value of the framework's own
// type that carries route options, and the adapter picks those values out of
// the route's handlers at startup. Markers does the picking, once for every
// adapter, without calling the application's handlers: every marker of one
// kind is a method value of one method, so all of them share one code
// pointer, and only a handler with that code pointer is asked for its
// options.

// Carrier is the route options one declaration carries.
type Carrier struct{ Options []Option }

// Markers makes and recognises the handler values of type H (a func type)
// that carry declarations.
type Markers[H any] struct {
	pc   uintptr
	wrap func(*Carrier) H
	read func(H) *Carrier
}

// NewMarkers returns the markers of one adapter. wrap turns a carrier into a
// handler value, and must return a method value of one and the same method
// for every carrier (typically (*myMarker)(c).serve); read calls such a
// value in a way that makes it hand its carrier back (a probe context, a nil
// argument). read is only ever called on values wrap made.
func NewMarkers[H any](wrap func(*Carrier) H, read func(H) *Carrier) *Markers[H] {
	return &Markers[H]{pc: codeOf(wrap(&Carrier{})), wrap: wrap, read: read}
}

// Declare returns a marker carrying opts.
func (m *Markers[H]) Declare(opts ...Option) H {
	return m.wrap(&Carrier{Options: slices.Clone(opts)})
}

// Options returns the options h carries, if h is a marker.
func (m *Markers[H]) Options(h H) ([]Option, bool) {
	if codeOf(h) != m.pc {
		return nil, false
	}
	c := m.read(h)
	if c == nil {
		return nil, false
	}
	return c.Options, true
}

// Split separates markers from the other handlers of hs, keeping both in
// order: the handlers to give the framework, and the options the markers
// carry, a group's first when hs lists them first.
func (m *Markers[H]) Split(hs []H) (plain []H, opts []Option) {
	for _, h := range hs {
		if o, ok := m.Options(h); ok {
			opts = append(opts, o...)
			continue
		}
		plain = append(plain, h)
	}
	return plain, opts
}

// codeOf returns the code pointer of a func value (0 for nil or a non-func).
func codeOf(h any) uintptr {
	v := reflect.ValueOf(h)
	if v.Kind() != reflect.Func || v.IsNil() {
		return 0
	}
	return v.Pointer()
}
