package ratelimit_test

// Flag parsing of the rl verbs.

import (
	"testing"

	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/deleterl"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/hits"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/list"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/reset"
	"github.com/waygate-go/waygate/cli/internal/cmd/ratelimit/set"
	"github.com/waygate-go/waygate/cli/internal/cmdtest"
)

func TestSet(t *testing.T) {
	cmdtest.RunCases(t, set.NewCmdSet, []cmdtest.Case[set.SetOptions]{
		{Name: "route and limit", Args: []string{"get:/posts", "10/second;1000/day", "--key", "user", "--on-missing", "fallback_ip"},
			Check: func(t *testing.T, o *set.SetOptions) {
				p := o.Policy.Patch(o.Limit)
				if o.Route != "GET:/posts" || p["limit"] != "10/second;1000/day" || p["key_strategy"] != "user" || p["on_missing_key"] != "fallback_ip" {
					t.Fatalf("%+v %v", o, p)
				}
				if _, sent := p["burst"]; sent {
					t.Fatal("burst sent without --burst")
				}
			}},
		{Name: "bare path is kept for the server to resolve", Args: []string{"/posts", "5/minute"}, Check: func(t *testing.T, o *set.SetOptions) {
			if o.Route != "/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service flag", Args: []string{"GET:/limited", "4/minute", "--service", "orders"}, Check: func(t *testing.T, o *set.SetOptions) {
			if o.Route != "orders:GET:/limited" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service from the environment", Env: map[string]string{"WAYGATE_SERVICE": "orders"}, Args: []string{"GET:/limited", "4/minute"},
			Check: func(t *testing.T, o *set.SetOptions) {
				if o.Route != "orders:GET:/limited" {
					t.Fatalf("%+v", o)
				}
			}},
		{Name: "no limit", Args: []string{"GET:/posts"}, Usage: true},
		{Name: "bad limit", Args: []string{"GET:/posts", "5 per fortnight"}, Usage: true},
		{Name: "bad on-missing", Args: []string{"GET:/posts", "5/minute", "--on-missing", "allow"}, Usage: true},
	})
}

func TestOtherVerbs(t *testing.T) {
	cmdtest.RunCases(t, list.NewCmdList, []cmdtest.Case[list.ListOptions]{
		{Name: "json", Args: []string{"-o", "json"}},
		{Name: "argument", Args: []string{"x"}, Usage: true},
	})
	cmdtest.RunCases(t, deleterl.NewCmdDelete, []cmdtest.Case[deleterl.DeleteOptions]{
		{Name: "route", Args: []string{"GET:/posts"}, Check: func(t *testing.T, o *deleterl.DeleteOptions) {
			if o.Route != "GET:/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service", Args: []string{"GET:/posts", "-s", "orders"}, Check: func(t *testing.T, o *deleterl.DeleteOptions) {
			if o.Route != "orders:GET:/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "no route", Usage: true},
	})
	cmdtest.RunCases(t, reset.NewCmdReset, []cmdtest.Case[reset.ResetOptions]{
		{Name: "route", Args: []string{"/posts"}},
		{Name: "service", Env: map[string]string{"WAYGATE_SERVICE": "orders"}, Args: []string{"/posts"}, Check: func(t *testing.T, o *reset.ResetOptions) {
			if o.Route != "orders:/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "bad route", Args: []string{"posts"}, Usage: true},
	})
	cmdtest.RunCases(t, hits.NewCmdHits, []cmdtest.Case[hits.HitsOptions]{
		{Name: "defaults", Check: func(t *testing.T, o *hits.HitsOptions) {
			if o.Limit != 50 || o.Route != "" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "filters", Args: []string{"-r", "get:/posts", "-n", "5"}, Check: func(t *testing.T, o *hits.HitsOptions) {
			if o.Limit != 5 || o.Route != "GET:/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "service", Args: []string{"-r", "GET:/posts", "--service", "orders"}, Check: func(t *testing.T, o *hits.HitsOptions) {
			if o.Route != "orders:GET:/posts" {
				t.Fatalf("%+v", o)
			}
		}},
		{Name: "limit too big", Args: []string{"--limit", "1001"}, Usage: true},
	})
}
