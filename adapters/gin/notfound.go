package waygategin

import (
	"net/http"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gin-gonic/gin"
)

// notFound answers c as gin answers a path no route matches, so that a
// hidden (env-gated) route looks exactly like one that does not exist: the
// handlers the app installed with NoRoute, then, when none wrote the
// response, gin's own "404 page not found" (text/plain), as gin's
// serveError does. c is aborted first, so a NoRoute handler that calls
// c.Next cannot reach the route's own handlers.
func notFound(c *gin.Context) {
	c.Abort()
	c.Status(http.StatusNotFound)
	for _, h := range noRouteHandlers(c) {
		if c.Writer.Written() {
			break
		}
		h(c)
	}
	if c.Writer.Written() {
		return
	}
	if c.Writer.Status() == http.StatusNotFound {
		c.Writer.Header()["Content-Type"] = []string{"text/plain"}
		_, _ = c.Writer.Write([]byte("404 page not found"))
		return
	}
	c.Writer.WriteHeaderNow()
}

// noRouteHandlers returns the handlers the app gave gin.Engine.NoRoute.
// gin keeps them, and the engine a context belongs to, in unexported
// fields with no accessor; their offsets are found by name and type once
// (TestNoRouteFieldsAreFound fails if a gin release renames them, and
// until then the lookup answers none: gin's default 404 body). The
// fields are only read, as gin itself reads them while serving.
func noRouteHandlers(c *gin.Context) gin.HandlersChain {
	off, ok := ginOffsets()
	if !ok {
		return nil
	}
	eng := *(**gin.Engine)(unsafe.Add(unsafe.Pointer(c), off.engine)) //nolint:gosec // G103: reads gin's unexported Context.engine, located by reflection
	if eng == nil {
		return nil
	}
	return *(*gin.HandlersChain)(unsafe.Add(unsafe.Pointer(eng), off.noRoute)) //nolint:gosec // G103: reads gin's unexported Engine.noRoute, located by reflection
}

type offsets struct{ engine, noRoute uintptr }

var ginOffsets = sync.OnceValues(func() (offsets, bool) {
	ef, ok1 := reflect.TypeFor[gin.Context]().FieldByName("engine")
	nf, ok2 := reflect.TypeFor[gin.Engine]().FieldByName("noRoute")
	if !ok1 || !ok2 || ef.Type != reflect.TypeFor[*gin.Engine]() || nf.Type != reflect.TypeFor[gin.HandlersChain]() ||
		len(ef.Index) != 1 || len(nf.Index) != 1 {
		return offsets{}, false
	}
	return offsets{engine: ef.Offset, noRoute: nf.Offset}, true
})
