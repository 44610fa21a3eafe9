// Package wire is what the admin handler's parts share on the wire: JSON
// answers and errors (every error maps to one status, bad input never to a
// 500), strict decoding of request bodies, Server-Sent Event streams, route
// keys in URL segments, and the small contract through which each part
// registers its endpoints with the handler.
package wire
