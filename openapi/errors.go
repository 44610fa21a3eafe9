package openapi

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidDocument is matched (errors.Is) by every error about the input
// document.
var ErrInvalidDocument = errors.New("invalid openapi document")

// DocumentError locates a problem in the input document.
type DocumentError struct {
	// Location is a dotted path into the document, e.g. "paths./orders.get";
	// "document" for the document as a whole.
	Location string
	// Message says what is wrong.
	Message string
	// Err is the underlying parser error, if any.
	Err error
}

// Error formats the error as "location: message".
func (e *DocumentError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Location, e.Message, e.Err)
	}
	return e.Location + ": " + e.Message
}

// Unwrap returns the underlying parser error.
func (e *DocumentError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidDocument.
func (e *DocumentError) Is(target error) bool { return target == ErrInvalidDocument }

func docErr(loc, format string, args ...any) error {
	return &DocumentError{Location: loc, Message: fmt.Sprintf(format, args...)}
}

// ErrUnmatched is matched (errors.Is) by the *UnmatchedError Patch returns
// when the state names routes and none of them matches an operation of the
// document.
var ErrUnmatched = errors.New("no route state matches an operation of the document")

// UnmatchedError says that none of the state's route states matches an
// operation of the document: the document's paths, joined to Prefix, are
// not the routes the state names, so patching would change nothing it
// should. Usually the prefix is wrong (see WithBasePath) or the state is
// another service's (see WithService). AllowUnmatched accepts it.
type UnmatchedError struct {
	// Keys are the route keys of the state's route states for the
	// document's service, in the state's order; none matched.
	Keys []string
	// Prefix is what was joined to every document path; "" for none.
	Prefix string
	// PrefixSource is where Prefix came from: "basePath",
	// "servers[0].url", "WithBasePath", or "" when there is no prefix.
	PrefixSource string
	// NoneUnderPrefix is true when Prefix is set and no key's path starts
	// with it: the routes may be served without the prefix (behind a
	// gateway that strips it, for instance).
	NoneUnderPrefix bool
}

// maxListedKeys bounds the keys an UnmatchedError message lists.
const maxListedKeys = 10

// Error names the keys and the prefix, and says what to check.
func (e *UnmatchedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "none of the %d route states matches an operation of the document", len(e.Keys))
	if e.Prefix != "" {
		fmt.Fprintf(&b, " (its paths are joined to %q, from %s)", e.Prefix, e.PrefixSource)
	}
	b.WriteString(": ")
	b.WriteString(listKeys(e.Keys, maxListedKeys))
	switch {
	case e.NoneUnderPrefix:
		fmt.Fprintf(&b, "; no route key starts with %q: if the service serves the document's paths without it, say WithBasePath(\"/\")", e.Prefix)
	case e.Prefix == "":
		b.WriteString("; if the service serves the document's paths under a prefix, give it with WithBasePath")
	default:
		b.WriteString("; check the prefix (WithBasePath) and the service (WithService)")
	}
	b.WriteString(", or use AllowUnmatched if the state is another API's")
	return b.String()
}

// Is reports whether target is ErrUnmatched.
func (e *UnmatchedError) Is(target error) bool { return target == ErrUnmatched }

// listKeys joins keys with ", ", naming at most limit of them and counting
// the rest ("and 3 more"); limit <= 0 names them all.
func listKeys(keys []string, limit int) string {
	if limit <= 0 || len(keys) <= limit {
		return strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(keys[:limit], ", "), len(keys)-limit)
}
