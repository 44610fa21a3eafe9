package flag

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/isolated"
)

// providerFixture registers a Provider under a named domain of an isolated
// OpenFeature API (never the global default provider) and returns a real
// client bound to that domain.
func providerFixture(t *testing.T, flags []Flag, segments []Segment) (*Provider, *openfeature.Client) {
	t.Helper()
	api := isolated.NewAPI()
	t.Cleanup(func() { _ = api.Shutdown(context.Background()) })
	store := NewStore()
	store.Replace(flags, segments)
	p := NewProvider(store)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := api.SetProviderAndWait(ctx, p, openfeature.WithDomain(Domain)); err != nil {
		t.Fatal(err)
	}
	return p, api.NewClient(openfeature.WithDomain(Domain))
}

func typedFlags() []Flag {
	boolean := NewBoolean("bool")
	boolean.Rules = []Rule{rule("pro", "on", is("plan", "pro"))}
	str := Flag{Key: "str", Type: TypeString, Enabled: true, OffVariation: "red", Fallthrough: Fallthrough{Variation: "blue"},
		Variations: []Variation{{Name: "red", Value: "#f00"}, {Name: "blue", Value: "#00f"}}}
	integer := Flag{Key: "int", Type: TypeInteger, Enabled: true, OffVariation: "low", Fallthrough: Fallthrough{Variation: "high"},
		Variations: []Variation{{Name: "low", Value: 1}, {Name: "high", Value: 100}}}
	float := Flag{Key: "float", Type: TypeFloat, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: 0.5}, {Name: "b", Value: 2.5}}}
	obj := Flag{Key: "obj", Type: TypeJSON, Enabled: true, OffVariation: "a", Fallthrough: Fallthrough{Variation: "b"},
		Variations: []Variation{{Name: "a", Value: map[string]any{}}, {Name: "b", Value: map[string]any{"limit": 5.0}}}}
	off := NewBoolean("disabled")
	off.Enabled = false
	split := NewBoolean("new-checkout")
	split.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}
	pre := NewBoolean("needs-pre")
	pre.Prerequisites = []Prerequisite{{"disabled", "on"}}
	target := NewBoolean("targeted")
	target.Targets = map[string][]string{"on": {"vip"}}
	kind := NewBoolean("kind")
	kind.Rules = []Rule{rule("orgs", "on", is("kind", "organization"))}
	broken := NewBoolean("broken")
	broken.OffVariation = "gone"
	return []Flag{boolean, str, integer, float, obj, off, split, pre, target, kind, broken}
}

func TestProviderTypes(t *testing.T) {
	_, client := providerFixture(t, typedFlags(), nil)
	ctx := context.Background()
	user := openfeature.NewEvaluationContext("user_2", map[string]any{"plan": "pro"})

	b, err := client.BooleanValueDetails(ctx, "bool", false, user)
	if err != nil || !b.Value || b.Variant != "on" || b.Reason != openfeature.TargetingMatchReason || b.FlagMetadata["rule_id"] != "pro" {
		t.Errorf("bool: %+v, %v", b, err)
	}
	s, err := client.StringValueDetails(ctx, "str", "", user)
	// One variation for everybody, nothing to match: STATIC.
	if err != nil || s.Value != "#00f" || s.Variant != "blue" || s.Reason != openfeature.StaticReason {
		t.Errorf("string: %+v, %v", s, err)
	}
	i, err := client.IntValueDetails(ctx, "int", 0, user)
	if err != nil || i.Value != 100 || i.Variant != "high" {
		t.Errorf("int: %+v, %v", i, err)
	}
	f, err := client.FloatValueDetails(ctx, "float", 0, user)
	if err != nil || f.Value != 2.5 {
		t.Errorf("float: %+v, %v", f, err)
	}
	fi, err := client.FloatValueDetails(ctx, "int", 0, user)
	if err != nil || fi.Value != 100 {
		t.Errorf("float from integer flag: %+v, %v", fi, err)
	}
	o, err := client.ObjectValueDetails(ctx, "obj", nil, user)
	if err != nil || !reflect.DeepEqual(o.Value, map[string]any{"limit": 5.0}) {
		t.Errorf("object: %+v, %v", o, err)
	}
	if !client.Boolean(ctx, "bool", false, user) || client.String(ctx, "str", "", user) != "#00f" ||
		client.Int(ctx, "int", 0, user) != 100 || client.Float(ctx, "float", 0, user) != 2.5 {
		t.Error("short forms")
	}
}

func TestProviderErrors(t *testing.T) {
	_, client := providerFixture(t, typedFlags(), nil)
	ctx := context.Background()
	user := openfeature.NewEvaluationContext("u", nil)

	tests := []struct {
		name string
		eval func() (any, openfeature.ResolutionDetail, error)
		def  any
		code openfeature.ErrorCode
	}{
		{"bool not found", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.BooleanValueDetails(ctx, "missing", true, user)
			return d.Value, d.ResolutionDetail, err
		}, true, openfeature.FlagNotFoundCode},
		{"string not found", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.StringValueDetails(ctx, "missing", "def", user)
			return d.Value, d.ResolutionDetail, err
		}, "def", openfeature.FlagNotFoundCode},
		{"bool on string flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.BooleanValueDetails(ctx, "str", true, user)
			return d.Value, d.ResolutionDetail, err
		}, true, openfeature.TypeMismatchCode},
		{"string on bool flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.StringValueDetails(ctx, "bool", "def", user)
			return d.Value, d.ResolutionDetail, err
		}, "def", openfeature.TypeMismatchCode},
		{"int on float flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.IntValueDetails(ctx, "float", 7, user)
			return d.Value, d.ResolutionDetail, err
		}, int64(7), openfeature.TypeMismatchCode},
		{"float on string flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.FloatValueDetails(ctx, "str", 1.5, user)
			return d.Value, d.ResolutionDetail, err
		}, 1.5, openfeature.TypeMismatchCode},
		{"object on bool flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.ObjectValueDetails(ctx, "bool", "def", user)
			return d.Value, d.ResolutionDetail, err
		}, "def", openfeature.TypeMismatchCode},
		{"object not found", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.ObjectValueDetails(ctx, "missing", "def", user)
			return d.Value, d.ResolutionDetail, err
		}, "def", openfeature.FlagNotFoundCode},
		{"int not found", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.IntValueDetails(ctx, "missing", 3, user)
			return d.Value, d.ResolutionDetail, err
		}, int64(3), openfeature.FlagNotFoundCode},
		{"float not found", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.FloatValueDetails(ctx, "missing", 3, user)
			return d.Value, d.ResolutionDetail, err
		}, 3.0, openfeature.FlagNotFoundCode},
		{"invalid flag", func() (any, openfeature.ResolutionDetail, error) {
			d, err := client.BooleanValueDetails(ctx, "broken", true, user)
			return d.Value, d.ResolutionDetail, err
		}, true, openfeature.ParseErrorCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, d, err := tt.eval()
			if err == nil {
				t.Fatal("want an error")
			}
			if !reflect.DeepEqual(v, tt.def) || d.ErrorCode != tt.code || d.Reason != openfeature.ErrorReason || d.ErrorMessage == "" {
				t.Errorf("value %#v, detail %+v; want default %#v, code %s, reason ERROR", v, d, tt.def, tt.code)
			}
		})
	}
}

func TestProviderReasons(t *testing.T) {
	_, client := providerFixture(t, typedFlags(), nil)
	ctx := context.Background()
	tests := []struct {
		flag    string
		evalCtx openfeature.EvaluationContext
		value   bool
		reason  openfeature.Reason
		code    openfeature.ErrorCode
		meta    openfeature.FlagMetadata
	}{
		{"disabled", openfeature.NewEvaluationContext("u", nil), false, openfeature.DisabledReason, "", openfeature.FlagMetadata{}},
		// A failed prerequisite says so and names it.
		{"needs-pre", openfeature.NewEvaluationContext("u", nil), false, ReasonPrerequisiteFailed, "", openfeature.FlagMetadata{"prerequisite_key": "disabled"}},
		{"targeted", openfeature.NewEvaluationContext("vip", nil), true, openfeature.TargetingMatchReason, "", openfeature.FlagMetadata{}},
		{"new-checkout", openfeature.NewEvaluationContext("user_2", nil), true, openfeature.SplitReason, "", openfeature.FlagMetadata{}},
		{"new-checkout", openfeature.NewEvaluationContext("user_123", nil), false, openfeature.SplitReason, "", openfeature.FlagMetadata{}},
		// A rollout cannot place a context without a targeting key: the
		// caller's default, TARGETING_KEY_MISSING (once, every anonymous
		// caller landed in the bucket of "anonymous").
		{"new-checkout", openfeature.NewTargetlessEvaluationContext(nil), true, openfeature.ErrorReason, openfeature.TargetingKeyMissingCode, openfeature.FlagMetadata{}},
		// Without a rollout, no key is needed.
		{"targeted", openfeature.NewTargetlessEvaluationContext(nil), false, openfeature.DefaultReason, "", openfeature.FlagMetadata{}},
		{"kind", openfeature.NewEvaluationContext("acme", map[string]any{"kind": "organization"}), true, openfeature.TargetingMatchReason, "", openfeature.FlagMetadata{"rule_id": "orgs"}},
		{"bool", openfeature.NewEvaluationContext("u", nil), false, openfeature.DefaultReason, "", openfeature.FlagMetadata{}},
	}
	versions := map[string]string{}
	for _, f := range typedFlags() {
		versions[f.Key] = versionOf(&f)
	}
	for _, tt := range tests {
		def := !tt.value // a served value differs from the default...
		if tt.code != "" {
			def = tt.value // ...an error returns it
		}
		d, err := client.BooleanValueDetails(ctx, tt.flag, def, tt.evalCtx)
		want := openfeature.FlagMetadata{"flagSetId": "default", "version": versions[tt.flag]}
		for k, v := range tt.meta {
			want[k] = v
		}
		if d.Value != tt.value || d.Reason != tt.reason || d.ErrorCode != tt.code || (err == nil) != (tt.code == "") || !reflect.DeepEqual(d.FlagMetadata, want) {
			t.Errorf("%s %s: %+v, %v; want %v %s %q %v", tt.flag, tt.evalCtx.TargetingKey(), d, err, tt.value, tt.reason, tt.code, want)
		}
	}
}

func TestProviderMetadata(t *testing.T) {
	p := NewProvider(NewStore())
	if p.Metadata().Name != "waygate" || p.Hooks() != nil || p.Init(openfeature.EvaluationContext{}) != nil {
		t.Error("metadata")
	}
	p.Shutdown()
	_, client := providerFixture(t, nil, nil)
	if client.Metadata().Domain() != Domain || client.State() != openfeature.ReadyState {
		t.Errorf("client %+v state %s", client.Metadata(), client.State())
	}
}

// TestProviderEvents checks PROVIDER_CONFIGURATION_CHANGED on every store
// write, through a real client handler.
func TestProviderEvents(t *testing.T) {
	p, client := providerFixture(t, []Flag{NewBoolean("a")}, nil)
	got := make(chan openfeature.EventDetails, 10)
	cb := func(d openfeature.EventDetails) { got <- d }
	client.AddHandler(openfeature.ProviderConfigChange, &cb)

	wait := func(want ...string) {
		t.Helper()
		select {
		case d := <-got:
			if d.ProviderName != ProviderName || !reflect.DeepEqual(d.FlagChanges, want) {
				t.Errorf("event %+v; want flag changes %v", d, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no configuration-changed event for %v", want)
		}
	}
	b := NewBoolean("b")
	b.Fallthrough = Fallthrough{Variation: "on"}
	p.Update([]Flag{b}, nil)
	wait("a", "b")
	if !client.Boolean(context.Background(), "b", false, openfeature.EvaluationContext{}) {
		t.Error("update not visible")
	}
	c := NewBoolean("c")
	c.Prerequisites = []Prerequisite{{"b", "on"}}
	c.Rules = []Rule{{ID: "r", Clauses: []Clause{{Operator: OpInSegment, Values: []any{"s"}}}, Variation: "on"}}
	p.Store().SetFlag(c)
	wait("c")
	p.Store().SetFlag(b)
	wait("b", "c")
	p.Store().SetSegment(Segment{Key: "s"})
	wait("c")
	p.Store().DeleteSegment("s")
	wait("c")
	p.Store().DeleteFlag("b")
	wait("b", "c")
	if p.Store().DeleteFlag("b") {
		t.Error("second delete reported true")
	}
}

func TestProviderRecordsEvaluations(t *testing.T) {
	rec := NewRecorder(10)
	store := NewStore(WithRecorder(rec))
	store.Replace(typedFlags(), nil)
	p := NewProvider(store)
	d := p.BooleanEvaluation(context.Background(), "bool", false, openfeature.FlattenedContext{openfeature.TargetingKey: "u", "plan": "pro"})
	if !d.Value || d.Error() != nil {
		t.Fatalf("%+v", d)
	}
	ev := rec.Recent(1)
	if len(ev) != 1 || ev[0].FlagKey != "bool" || ev[0].ContextKey != "u" || ev[0].RuleID != "pro" || ev[0].Variation != "on" {
		t.Errorf("events %+v", ev)
	}
	if d := p.BooleanEvaluation(context.Background(), "missing", true, nil); d.Error() == nil || d.Reason != openfeature.ErrorReason || !d.Value {
		t.Errorf("%+v", d)
	}
}
