package flag

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
)

func TestStoreWatch(t *testing.T) {
	store := NewStore()
	var got []Change
	stop := store.Watch(func(c Change) { got = append(got, c) })
	a := NewBoolean("a")
	b := NewBoolean("b")
	b.Prerequisites = []Prerequisite{{"a", "on"}}
	store.Replace([]Flag{a, b}, []Segment{{Key: "s"}})
	store.SetFlag(a)
	store.DeleteSegment("s")
	if store.DeleteSegment("s") {
		t.Error("deleting twice reported true")
	}
	stop()
	store.SetFlag(a)
	want := []Change{
		{Flags: []string{"a", "b"}, Segments: []string{"s"}},
		{Flags: []string{"a", "b"}},
		{Flags: []string{}, Segments: []string{"s"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes\ngot  %+v\nwant %+v", got, want)
	}
	if store.Recorder() != nil {
		t.Error("no recorder configured")
	}
}

// TestStoreConcurrent runs readers against writers; run with -race.
func TestStoreConcurrent(t *testing.T) {
	store := NewStore()
	store.Replace([]Flag{NewBoolean("f")}, nil)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx := EvaluationContext{Key: fmt.Sprint(i)}
				store.Bool("f", ctx, false)
				store.String("f", ctx, "")
				store.Int("f", ctx, 0)
				store.Float("f", ctx, 0)
				store.Object("f", ctx, nil)
				_, _ = store.Evaluate("f", ctx)
			}
		})
	}
	for i := range 200 {
		f := NewBoolean("f")
		f.Enabled = i%2 == 0
		store.SetFlag(f)
		store.SetSegment(Segment{Key: fmt.Sprint("s", i%3)})
	}
	close(stop)
	wg.Wait()
	if r, _ := store.Evaluate("f", EvaluationContext{}); r.Reason != ReasonOff {
		t.Errorf("last write not visible: %+v", r)
	}
}
