package flag

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrInvalid matches every *ValidationError.
	ErrInvalid = errors.New("invalid flag configuration")
	// ErrNotFound is returned when a flag or segment key is unknown.
	ErrNotFound = errors.New("not found")
	// ErrPrerequisiteCycle matches a validation error for prerequisites that
	// lead back to a flag already on the chain.
	ErrPrerequisiteCycle = errors.New("prerequisite cycle")
	// ErrPrerequisiteDepth matches a validation error for a prerequisite
	// chain longer than MaxPrerequisiteDepth.
	ErrPrerequisiteDepth = errors.New("prerequisite chain too deep")
	// ErrSegmentCycle matches a validation error for segments whose rules
	// refer back to themselves.
	ErrSegmentCycle = errors.New("segment reference cycle")
	// ErrSegmentDepth matches a validation error for a chain of segment
	// references longer than MaxSegmentDepth.
	ErrSegmentDepth = errors.New("segment reference chain too deep")
)

// Problem is one thing to fix in a flag or segment.
type Problem struct {
	// Field is the JSON path of the offending field, e.g. "rules[0].variation".
	Field string
	// Message says what is wrong and what to do.
	Message string
	// Err is a sentinel such as ErrPrerequisiteCycle, or nil.
	Err error
}

// ValidationError lists every problem found in one flag or segment. It
// matches ErrInvalid and, through Unwrap, the sentinels of its problems.
type ValidationError struct {
	// Kind is "flag" or "segment".
	Kind string
	// Key is the key of the flag or segment.
	Key      string
	Problems []Problem
}

// Error joins the problems: `flag "x": off_variation: …; rules[0]: …`.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q: ", e.Kind, e.Key)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the sentinel errors of the problems.
func (e *ValidationError) Unwrap() []error {
	var errs []error
	for _, p := range e.Problems {
		if p.Err != nil {
			errs = append(errs, p.Err)
		}
	}
	return errs
}

// problems collects Problems for one flag or segment.
type problems struct {
	kind, key string
	list      []Problem
}

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) addErr(sentinel error, field, format string, args ...any) {
	p.list = append(p.list, Problem{Field: field, Message: fmt.Sprintf(format, args...), Err: sentinel})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Kind: p.kind, Key: p.key, Problems: p.list}
}
