package waygatechi

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/waygate-go/waygate/core/engine"
	"github.com/waygate-go/waygate/core/route"
)

// allMethods are the methods chi's Handle and HandleFunc add a route for
// (chi v5.5 routes QUERY too).
var allMethods = []string{
	http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead, http.MethodOptions,
	http.MethodPatch, http.MethodPost, http.MethodPut, "QUERY", http.MethodTrace,
}

// Register registers with e every route of r, the root router, with the
// state its declarations carry. It reads chi's own route table through
// chi.Walk, so routes of sub-routers (Route, Mount) and groups (Group,
// With) are included with their full templates ("/api/v1/orders/{id}"),
// and a route's declarations are the ones among the middleware chi runs
// for it: the outer routers' first, then the route's own. A route added
// for every method (Handle, HandleFunc) is one all-methods route. Routes
// under a Mount prefix are left out. Call it once every route is added
// and before serving; calling it again registers the routes added since
// (a route keeps the state it was first registered with).
func Register(ctx context.Context, e *engine.Engine, r chi.Routes) error {
	var regs []engine.Registration
	err := chi.Walk(r, func(method, pattern string, h http.Handler, mws ...func(http.Handler) http.Handler) error {
		var ids strings.Builder
		var opts []route.Option
		for _, mw := range mws {
			if o, ok := markers.Options(mw); ok {
				opts = append(opts, o...)
				fmt.Fprintf(&ids, "%p ", o)
			}
		}
		d, err := route.Declare(opts...)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, pattern, err)
		}
		regs = append(regs, engine.Registration{Method: method, Template: pattern, Declaration: d,
			Origin: origin{handler: handlerID(h), declarations: ids.String()}})
		return nil
	})
	if err != nil {
		return fmt.Errorf("waygatechi: %w", err)
	}
	// chi.Walk reports a route's methods in map order.
	slices.SortFunc(regs, func(a, b engine.Registration) int {
		return cmp.Or(cmp.Compare(a.Template, b.Template), cmp.Compare(a.Method, b.Method))
	})
	regs = engine.MergeAllMethods(regs, allMethods)
	if err := e.Register(ctx, regs...); err != nil {
		return fmt.Errorf("waygatechi: %w", err)
	}
	return nil
}

// origin tells apart the routes one Handle call adds for every method
// from routes added for the same pattern one by one: the handler, and the
// declarations' identity.
type origin struct {
	handler      any
	declarations string
}

// handlerID is a comparable identity of h (a func or a pointer is
// compared by its address; a handler of another kind by its type).
func handlerID(h http.Handler) any {
	v := reflect.ValueOf(h)
	switch v.Kind() {
	case reflect.Func, reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		return [2]any{v.Type(), v.Pointer()}
	default:
		return v.Type()
	}
}
