package testall

import (
	"strings"
	"testing"
)

// A run where one suite skipped for a missing binary, one test failed and
// one package has no test files: the report names the skip and its reason
// in the default output, shows the failure's output, and counts.
func TestReportNamesEverySkip(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"start","Package":"example.com/m/redis"}`,
		`{"Action":"run","Package":"example.com/m/redis","Test":"TestShared"}`,
		`{"Action":"output","Package":"example.com/m/redis","Test":"TestShared","Output":"=== RUN   TestShared\n"}`,
		`{"Action":"output","Package":"example.com/m/redis","Test":"TestShared","Output":"    redis.go:49: SKIPPING: this test needs Redis: install redis-server\n"}`,
		`{"Action":"output","Package":"example.com/m/redis","Test":"TestShared","Output":"--- SKIP: TestShared (0.00s)\n"}`,
		`{"Action":"skip","Package":"example.com/m/redis","Test":"TestShared","Elapsed":0}`,
		`{"Action":"run","Package":"example.com/m/redis","Test":"TestLocal"}`,
		`{"Action":"pass","Package":"example.com/m/redis","Test":"TestLocal","Elapsed":0.01}`,
		`{"Action":"output","Package":"example.com/m/redis","Output":"PASS\n"}`,
		`{"Action":"pass","Package":"example.com/m/redis","Elapsed":0.5}`,
		`{"Action":"run","Package":"example.com/m/core","Test":"TestBroken"}`,
		`{"Action":"output","Package":"example.com/m/core","Test":"TestBroken","Output":"    core_test.go:9: got 1, want 2\n"}`,
		`{"Action":"output","Package":"example.com/m/core","Test":"TestBroken","Output":"--- FAIL: TestBroken (0.00s)\n"}`,
		`{"Action":"fail","Package":"example.com/m/core","Test":"TestBroken","Elapsed":0}`,
		`{"Action":"output","Package":"example.com/m/core","Output":"FAIL\n"}`,
		`{"Action":"fail","Package":"example.com/m/core","Elapsed":0.2}`,
		`{"Action":"output","Package":"example.com/m/empty","Output":"?   \texample.com/m/empty\t[no test files]\n"}`,
		`{"Action":"skip","Package":"example.com/m/empty","Elapsed":0}`,
		`# example.com/m/x`,
	}, "\n")
	var out strings.Builder
	s, err := Report(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"ok  \texample.com/m/redis\t0.500s\n",
		"core_test.go:9: got 1, want 2",
		"SKIPPED 1 tests:\n  redis.go:49: SKIPPING: this test needs Redis: install redis-server\n    (example.com/m/redis TestShared)\n",
		"FAIL (example.com/m/core): 2 packages, 1 tests passed, 1 skipped\n",
		"# example.com/m/x\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "empty") {
		t.Errorf("a package without test files is reported:\n%s", got)
	}
	if len(s.Skips) != 1 || s.Passed != 1 || len(s.Failed) != 1 || len(s.Packages) != 2 {
		t.Errorf("summary %+v", s)
	}
}

// Without skips or failures the report ends with one PASS line.
func TestReportAllPassed(t *testing.T) {
	in := `{"Action":"pass","Package":"example.com/m/a","Test":"TestA"}` + "\n" + `{"Action":"pass","Package":"example.com/m/a","Elapsed":0.1}`
	var out strings.Builder
	if _, err := Report(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasSuffix(got, "\nPASS: 1 packages, 1 tests passed, 0 skipped\n") || strings.Contains(got, "SKIPPED") {
		t.Errorf("report:\n%s", got)
	}
}
