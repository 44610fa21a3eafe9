package flag

//go:generate go run sha1gen.go

import (
	"crypto/sha1" //nolint:gosec // SHA-1 is the reference's bucketing hash, not a security measure.
	"encoding/binary"
)

// Buckets is the number of buckets a context can fall into: Bucket returns
// 0..Buckets-1 and rollout weights are in the same units.
const Buckets = TotalWeight

// maxShortSeed is the longest seed hashed as a single SHA-1 block.
const maxShortSeed = 55

// Bucket returns the rollout bucket of a context for a flag, bit-exact with
// the reference: the SHA-1 digest of "flagKey:kind:key", read as an unsigned
// big-endian integer, modulo 100000. It does not allocate for seeds up to
// 256 bytes.
func Bucket(flagKey, kind, key string) int {
	var sum [20]byte
	if n := len(flagKey) + len(kind) + len(key) + 2; n <= maxShortSeed {
		var blk [64]byte
		i := copy(blk[:], flagKey)
		blk[i] = ':'
		i += 1 + copy(blk[i+1:], kind)
		blk[i] = ':'
		copy(blk[i+1:], key)
		sum = sha1Short(&blk, n)
	} else {
		var buf [256]byte
		seed := append(buf[:0], flagKey...)
		seed = append(seed, ':')
		seed = append(seed, kind...)
		seed = append(seed, ':')
		seed = append(seed, key...)
		sum = sha1.Sum(seed) //nolint:gosec // see import
	}
	// (a·2³² + b) mod m, 32 bits at a time, equals the big-integer
	// remainder; a < m < 2¹⁷ keeps every step within 64 bits.
	r := uint64(0)
	for i := 0; i < len(sum); i += 4 {
		r = (r<<32 | uint64(binary.BigEndian.Uint32(sum[i:]))) % Buckets
	}
	return int(r)
}

// pick walks a compiled rollout: the first step whose cumulative weight is
// above the bucket wins; a bucket beyond the total gets the last step.
func pick(steps []rolloutStep, bucket int) int {
	for _, s := range steps {
		if bucket < s.upTo {
			return s.variation
		}
	}
	if len(steps) == 0 {
		return noVariation
	}
	return steps[len(steps)-1].variation
}
