package openapi

import (
	"errors"
	"fmt"
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
