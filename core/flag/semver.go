package flag

import "strings"

// version is a parsed MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD] version.
// Missing components are 0, so "1.0" equals "1.0.0"; a leading "v" is
// allowed; build metadata is ignored; pre-releases order as in SemVer 2.0.
type version struct {
	nums [3]uint64
	pre  string
}

// parseVersion parses s in one pass without allocating.
func parseVersion(s string) (version, bool) {
	var v version
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	n, digits := 0, 0
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if digits == 19 {
				return v, false
			}
			v.nums[n] = v.nums[n]*10 + uint64(c-'0')
			digits++
			continue
		}
		if digits == 0 {
			return v, false
		}
		if c != '.' {
			break
		}
		if n++; n == 3 {
			return v, false
		}
		digits = 0
	}
	if digits == 0 {
		return v, false
	}
	rest := s[i:]
	if rest == "" {
		return v, true
	}
	build := ""
	if j := strings.IndexByte(rest, '+'); j >= 0 {
		rest, build = rest[:j], rest[j+1:]
		if !validIdentifiers(build) {
			return v, false
		}
	}
	if rest == "" {
		return v, true
	}
	if rest[0] != '-' || !validIdentifiers(rest[1:]) {
		return v, false
	}
	v.pre = rest[1:]
	return v, true
}

func parseUint(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// validIdentifiers checks dot-separated non-empty [0-9A-Za-z-] identifiers.
func validIdentifiers(s string) bool {
	if s == "" {
		return false
	}
	prev := byte('.')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
		case c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		default:
			return false
		}
		prev = c
	}
	return prev != '.'
}

// compareVersions returns -1, 0 or +1.
func compareVersions(a, b *version) int {
	for i := range a.nums {
		if a.nums[i] != b.nums[i] {
			if a.nums[i] < b.nums[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case a.pre == b.pre:
		return 0
	case a.pre == "":
		return 1 // a release is newer than its pre-releases
	case b.pre == "":
		return -1
	}
	return comparePrerelease(a.pre, b.pre)
}

// comparePrerelease orders dot-separated identifiers: numeric ones
// numerically and before alphanumeric ones, alphanumeric ones in ASCII
// order, a shorter list before a longer one with the same prefix.
func comparePrerelease(a, b string) int {
	for a != "" && b != "" {
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if x == y {
			continue
		}
		xn, xok := parseUint(x)
		yn, yok := parseUint(y)
		switch {
		case xok && yok:
			if xn < yn {
				return -1
			}
			if xn > yn {
				return 1
			}
		case xok:
			return -1
		case yok:
			return 1
		default:
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	default:
		return 1
	}
}
