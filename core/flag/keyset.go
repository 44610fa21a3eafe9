package flag

// smallSetMax is the size up to which a linear scan beats a map lookup.
const smallSetMax = 8

// keyIndex maps context keys to an int (a variation index for targets, 0
// for sets) with a linear scan for small lists and a map beyond.
type keyIndex struct {
	keys []string
	vals []int
	m    map[string]int
}

func (k *keyIndex) add(key string, val int) {
	if k.m != nil {
		k.m[key] = val
		return
	}
	for i, x := range k.keys {
		if x == key {
			k.vals[i] = val
			return
		}
	}
	k.keys = append(k.keys, key)
	k.vals = append(k.vals, val)
	if len(k.keys) > smallSetMax {
		k.m = make(map[string]int, len(k.keys))
		for i, x := range k.keys {
			k.m[x] = k.vals[i]
		}
		k.keys, k.vals = nil, nil
	}
}

func (k *keyIndex) get(key string) (int, bool) {
	if k.m != nil {
		v, ok := k.m[key]
		return v, ok
	}
	for i, x := range k.keys {
		if x == key {
			return k.vals[i], true
		}
	}
	return 0, false
}

func (k *keyIndex) has(key string) bool {
	_, ok := k.get(key)
	return ok
}

func newKeySet(keys []string) keyIndex {
	var k keyIndex
	for _, x := range keys {
		k.add(x, 0)
	}
	return k
}

func (k *keyIndex) empty() bool { return len(k.keys) == 0 && len(k.m) == 0 }
