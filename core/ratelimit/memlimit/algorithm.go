package memlimit

import (
	"sort"
	"time"

	"github.com/waygate-go/waygate/core/ratelimit"
)

// state is one rate's counter for one key. Which fields are used depends on
// the algorithm; times are Unix nanoseconds.
type state struct {
	start int64   // fixed: window start; sliding: window index
	count int64   // fixed, sliding: requests in the current window
	prev  int64   // sliding: requests in the previous window
	tat   int64   // token bucket: theoretical arrival time
	log   []int64 // moving: ring of request times, oldest at head
	head  int
}

// verdict is what one rate says about a request before anything is counted.
type verdict struct {
	ok        bool
	remaining int64 // after counting this request, when ok
	reset     int64
	retry     int64
}

// peek judges a request against one rate at now without changing s.
func peek(s *state, alg ratelimit.Algorithm, amount int64, period, now int64) verdict {
	switch alg {
	case ratelimit.SlidingWindow:
		idx := now / period
		curr, prev := s.count, s.prev
		switch {
		case s.start == idx:
		case s.start == idx-1:
			curr, prev = 0, s.count
		default:
			curr, prev = 0, 0
		}
		windowStart := idx * period
		frac := float64(now-windowStart) / float64(period)
		weighted := float64(prev)*(1-frac) + float64(curr)
		used := int64(weighted)
		if used+1 <= amount {
			return verdict{ok: true, remaining: max(0, amount-used-1), reset: windowStart + period}
		}
		retry := windowStart + period - now
		if prev > 0 && curr+1 <= amount {
			// The previous window's weight fades until one more fits.
			need := 1 - float64(amount-1-curr)/float64(prev)
			retry = int64(need*float64(period)) - (now - windowStart) + 1
		}
		return verdict{remaining: 0, reset: windowStart + period, retry: max(retry, 1)}
	case ratelimit.MovingWindow:
		n := len(s.log)
		// Times are in order from head; find the first inside the window.
		expired := sort.Search(n, func(i int) bool { return s.log[(s.head+i)%n] > now-period })
		inWindow := int64(n - expired)
		if inWindow < amount {
			reset := now + period
			if inWindow > 0 {
				reset = s.log[(s.head+expired)%n] + period
			}
			return verdict{ok: true, remaining: amount - inWindow - 1, reset: reset}
		}
		oldest := s.log[(s.head+expired)%n]
		return verdict{reset: oldest + period, retry: oldest + period - now}
	case ratelimit.TokenBucket:
		return verdict{} // handled by gcra, which needs the base amount
	default: // ratelimit.FixedWindow
		start, count := s.start, s.count
		if count == 0 || now >= start+period {
			start, count = now, 0
		}
		if count+1 <= amount {
			return verdict{ok: true, remaining: amount - count - 1, reset: start + period}
		}
		return verdict{reset: start + period, retry: start + period - now}
	}
}

// commit counts an allowed request in s.
func commit(s *state, alg ratelimit.Algorithm, amount int64, period, now int64) {
	switch alg {
	case ratelimit.SlidingWindow:
		idx := now / period
		switch {
		case s.start == idx:
		case s.start == idx-1:
			s.prev, s.count = s.count, 0
		default:
			s.prev, s.count = 0, 0
		}
		s.start = idx
		s.count++
	case ratelimit.MovingWindow:
		if int64(len(s.log)) < amount {
			s.log = append(s.log, now)
			return
		}
		// Full ring: overwrite the oldest entry, which peek found outside
		// the window.
		s.log[s.head] = now
		s.head = (s.head + 1) % len(s.log)
	default:
		if s.count == 0 || now >= s.start+period {
			s.start, s.count = now, 0
		}
		s.count++
	}
}

// gcra judges and, when commit is set, counts a request for the token
// bucket: refill of base per period, capacity base+burst.
func gcra(s *state, base, burst, period, now int64, apply bool) verdict {
	interval := period / base
	if interval <= 0 {
		interval = 1
	}
	capacity := base + burst
	tat := max(s.tat, now)
	newTat := tat + interval
	allowAt := newTat - capacity*interval
	if now < allowAt {
		return verdict{reset: tat, retry: allowAt - now}
	}
	if apply {
		s.tat = newTat
	}
	return verdict{ok: true, remaining: (now - allowAt) / interval, reset: newTat}
}

// expiry is when s can be forgotten.
func expiry(s *state, alg ratelimit.Algorithm, period int64) int64 {
	switch alg {
	case ratelimit.SlidingWindow:
		return (s.start + 2) * period
	case ratelimit.MovingWindow:
		if len(s.log) == 0 {
			return 0
		}
		newest := s.log[(s.head+len(s.log)-1)%len(s.log)]
		return newest + period
	case ratelimit.TokenBucket:
		return s.tat + period // kept a period past full, so busy keys are not churned
	default:
		return s.start + period
	}
}

func nanos(d time.Duration) int64 { return int64(d) }
