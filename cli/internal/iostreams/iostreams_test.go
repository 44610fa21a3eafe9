package iostreams

import "testing"

func TestTestStreams(t *testing.T) {
	s, in, _, errOut := Test()
	in.WriteString("hunter2\r\n")
	pw, err := s.ReadPassword("Password: ")
	if err != nil || pw != "hunter2" || errOut.String() != "Password: " {
		t.Fatalf("%q %v %q", pw, err, errOut)
	}
	if s.IsStdinTTY() || s.IsStdoutTTY() || s.ColorEnabled() {
		t.Fatal("test streams are not terminals")
	}
	if cs := s.ColorScheme(); cs.Status("maintenance") != "maintenance" || cs.SuccessIcon() != "✓" {
		t.Fatal("colour without a terminal")
	}
	s.SetColorEnabled(true)
	if got := s.ColorScheme().Status("disabled"); got != "\x1b[31mdisabled\x1b[0m" {
		t.Fatalf("%q", got)
	}
}

func TestReadPasswordNeedsATerminal(t *testing.T) {
	s, _, _, _ := Test()
	s.readPassword = func() ([]byte, error) { return []byte("x"), nil }
	if _, err := s.ReadPassword("Password: "); err != ErrNoTTY {
		t.Fatalf("%v", err)
	}
	s.SetStdinTTY(true)
	if pw, err := s.ReadPassword("Password: "); err != nil || pw != "x" {
		t.Fatalf("%q %v", pw, err)
	}
}
