package engine

// Header is one response header to set. Name is always in Go's canonical
// form (textproto.CanonicalMIMEHeaderKey, e.g. "X-Ratelimit-Limit"), so
// adapters may store it in an http.Header map directly.
type Header struct {
	Name  string
	Value string
}

// headerSet is a list of headers answered again and again (blocks,
// deprecation) with their values laid out once, when they are rendered,
// as the value slices of an http.Header: setting them allocates nothing.
type headerSet struct {
	list []Header
	vals []string // vals[i] == list[i].Value
}

// prepared lays out the values of list.
func prepared(list []Header) headerSet {
	if len(list) == 0 {
		return headerSet{}
	}
	vals := make([]string, len(list))
	for i, h := range list {
		vals[i] = h.Value
	}
	return headerSet{list: list, vals: vals}
}

// on gives d the headers of hs.
func (hs headerSet) on(d *Decision) { d.Header, d.vals = hs.list, hs.vals }

// SetHeaders sets the decision's headers in h (an http.Header), as
// http.Header.Set would. Headers prepared with the snapshot share their
// value slices among all the requests they are set on, so it allocates
// only for headers rendered for this request (rate-limit counts), once
// for all of them. Each value slice is capped at its length: an Add by a
// later handler copies it. Code that writes into a value slice in place
// (h[name][0] = v) instead of calling Set must not run after this.
func (d *Decision) SetHeaders(h map[string][]string) {
	vals := d.vals
	if len(vals) != len(d.Header) {
		vals = make([]string, len(d.Header))
		for i, hd := range d.Header {
			vals[i] = hd.Value
		}
	}
	for i, hd := range d.Header {
		h[hd.Name] = vals[i : i+1 : i+1]
	}
}
