package flag

import (
	"crypto/sha1" //nolint:gosec // reference vectors
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestBucketReferenceVectors checks bit-exact bucketing against the
// reference's §4.3 table.
func TestBucketReferenceVectors(t *testing.T) {
	tests := []struct {
		flag, kind, key string
		sha1            string
		bucket          int
	}{
		{"flag_a", "user", "user_1", "db44555a30b47e404c37bf21a600094c1dd929c7", 33287},
		{"flag_b", "user", "user_1", "e6ebc619d9aab89bfff8f0789730ec0425aa6649", 38633},
		{"new-checkout", "user", "user_123", "795bf44bcd4d6bf003ae201463db0edafd26e56a", 32330},
		{"new-checkout", "user", "user_2", "", 11477},
		{"new-checkout", "user", "user_1", "", 96626},
		{"new-checkout", "user", "anonymous", "", 52072},
		{"checkout", "user", "alice", "d4561c51fcb3320724ba66f7aed99162feb5e371", 22705},
		{"checkout", "organization", "acme", "d024a814392bf50093737c738738e99fa67d416e", 19982},
		{"my-flag", "user", "anonymous", "5f2f82d73a25cf04fe6d82fadd27e1436c8d7c8c", 56556},
		{"x", "user", "", "47a8a165c4c81825aff36c54402dd5df6347bddf", 98815},
	}
	for _, tt := range tests {
		seed := tt.flag + ":" + tt.kind + ":" + tt.key
		t.Run(seed, func(t *testing.T) {
			if tt.sha1 != "" {
				sum := sha1.Sum([]byte(seed)) //nolint:gosec // reference vectors
				if got := hex.EncodeToString(sum[:]); got != tt.sha1 {
					t.Fatalf("sha1(%q) = %s, want %s", seed, got, tt.sha1)
				}
			}
			if got := Bucket(tt.flag, tt.kind, tt.key); got != tt.bucket {
				t.Errorf("Bucket(%q, %q, %q) = %d, want %d", tt.flag, tt.kind, tt.key, got, tt.bucket)
			}
		})
	}
}

func TestBucketLongSeed(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'a'
	}
	b := Bucket(string(long), "user", "k")
	if b < 0 || b >= Buckets {
		t.Fatalf("bucket %d out of range", b)
	}
	if b != Bucket(string(long), "user", "k") {
		t.Fatal("bucket not stable")
	}
}

// TestRolloutDistribution checks that a 20 % fallthrough rollout over
// 100 000 synthetic keys serves "on" to 20 % ± 0.5 percentage points.
func TestRolloutDistribution(t *testing.T) {
	f := NewBoolean("new-checkout")
	f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}
	snap := NewSnapshot([]Flag{f}, nil)
	const n = 100_000
	on := 0
	for i := range n {
		if snap.Bool("new-checkout", EvaluationContext{Key: fmt.Sprintf("user-%d", i)}, false) {
			on++
		}
	}
	pct := float64(on) * 100 / n
	if math.Abs(pct-20) > 0.5 {
		t.Fatalf("20%% rollout served on to %.3f%% of %d keys", pct, n)
	}
	t.Logf("20%% rollout: %.3f%% on", pct)
}

// TestRolloutReferenceExample is the worked example of reference §4.3.
func TestRolloutReferenceExample(t *testing.T) {
	f := NewBoolean("new-checkout")
	f.Fallthrough = Fallthrough{Rollout: []WeightedVariation{{"on", 20000}, {"off", 80000}}}
	snap := NewSnapshot([]Flag{f}, nil)
	for key, want := range map[string]string{"user_2": "on", "user_123": "off"} {
		r, err := snap.Evaluate("new-checkout", EvaluationContext{Key: key})
		if err != nil || r.Variation != want || r.Reason != ReasonFallthrough {
			t.Errorf("%s: got %+v, %v; want variation %s by FALLTHROUGH", key, r, err, want)
		}
	}
}

func TestPickUnderweightServesLast(t *testing.T) {
	steps := []rolloutStep{{variation: 0, upTo: 10}, {variation: 1, upTo: 20}}
	for bucket, want := range map[int]int{0: 0, 9: 0, 10: 1, 19: 1, 20: 1, 99999: 1} {
		if got := pick(steps, bucket); got != want {
			t.Errorf("pick(bucket %d) = %d, want %d", bucket, got, want)
		}
	}
	if got := pick(nil, 5); got != noVariation {
		t.Errorf("pick(nil) = %d", got)
	}
}

// TestSHA1Short checks the unrolled single-block SHA-1 against crypto/sha1
// for every length it handles and random contents, and Bucket on both sides
// of the short-seed limit against a big-integer remainder.
func TestSHA1Short(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= maxShortSeed; n++ {
		for range 200 {
			var blk [64]byte
			for i := range n {
				blk[i] = byte(r.Uint32())
			}
			want := sha1.Sum(blk[:n]) //nolint:gosec // test oracle
			if got := sha1Short(&blk, n); got != want {
				t.Fatalf("len %d: %x, want %x", n, got, want)
			}
		}
	}
	for n := maxShortSeed - 3; n <= maxShortSeed+3; n++ {
		key := strings.Repeat("k", n-len("f:user:"))
		sum := sha1.Sum([]byte("f:user:" + key)) //nolint:gosec // test oracle
		want := new(big.Int).Mod(new(big.Int).SetBytes(sum[:]), big.NewInt(Buckets)).Int64()
		if got := Bucket("f", "user", key); int64(got) != want {
			t.Errorf("seed length %d: bucket %d, want %d", n, got, want)
		}
	}
}
