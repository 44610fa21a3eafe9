package ratelimit

import "time"

// Hit records one request rejected by a rate limit.
type Hit struct {
	ID        string    `json:"id"`
	Timestamp time.Time `json:"timestamp"`
	// Path is the route key the request matched ("GET:/posts").
	Path string `json:"path"`
	// Policy is the scope that blocked it: the route key, "__global__" or
	// "__service:NAME__".
	Policy string    `json:"policy"`
	Key    string    `json:"key"`
	Limit  string    `json:"limit"`
	Tier   string    `json:"tier,omitempty"`
	Reset  time.Time `json:"reset_at"`
}
