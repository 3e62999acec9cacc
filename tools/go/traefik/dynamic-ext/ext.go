// Package ext stands in for Traefik's nested module github.com/traefik/traefik/dynamic/ext, which
// the Go module proxy does not carry (it lives at pkg/config/dynamic/ext inside Traefik's
// repository, outside the v3 module's zip). Upstream's package is a set of empty extension
// points embedded inline in the dynamic configuration; these are the same empty types.
package ext

// HTTP is embedded inline in Traefik's dynamic.HTTP (no fields).
type HTTP struct{}

// Router is embedded inline in Traefik's dynamic.Router (no fields).
type Router struct{}

// RouterIng is the ingress-annotation form of Router (no fields).
type RouterIng struct{}

// ToRouter converts RouterIng to a Router.
func (r RouterIng) ToRouter() Router {
	return Router{}
}
