// Package route is Waygate's route data model: statuses, route keys, the
// persisted route State, maintenance windows, global and per-service
// maintenance configuration, and the Declaration a program attaches to a
// route in code.
//
// The package imports only the rate-limit model and no web
// framework, so backends, the engine and every adapter share one model.
//
// # Route keys
//
// A route is identified by its key: "METHOD:/template", for example
// "GET:/items/{id}". A route registered for every method has the bare key
// "/template". On a Waygate Server, keys are prefixed with the service name:
// "payments:GET:/pay". Framework templates are normalised to the {param}
// form by [NormalizeTemplate], so gin's "/items/:id", echo's "/items/:id",
// fiber's "/items/:id" and net/http's "/items/{id}" all become
// "/items/{id}".
package route
