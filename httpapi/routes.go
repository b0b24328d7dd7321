package httpapi

import "net/http"

// route is one line of the route table.
type route struct {
	pattern string // "METHOD /path" as understood by http.ServeMux
	class   class
	handle  handlerFunc
	// sealReply: when the request body came enveloped, the reply is sealed
	// too (the clients of these endpoints expect {data, publicKey}).
	sealReply bool
}

// routes is the whole API surface. The access class of each line is the
// decision table of the API contract.
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /healthz", class: public, handle: s.healthz},
		{pattern: "GET /publickeys", class: public, handle: s.publicKeys},
		{pattern: "GET /environment", class: public, handle: s.environment},
		{pattern: "GET /sd", class: public, handle: s.serviceDirectory},
		{pattern: "GET /info", class: licensed, handle: s.info},
		{pattern: "POST /ecdsa_helper", class: public, handle: s.ecdsaHelper},
		{pattern: "POST /ecdsa_helper/{method}", class: public, handle: s.ecdsaHelper},
		{pattern: "GET /servicekeys", class: system, handle: s.serviceKeys},
		// {keyId...}: a keyId is base64 and may contain '/', escaped or not.
		{pattern: "DELETE /servicekey/{keyId...}", class: system, handle: s.rotateServiceKey},
	}
}

// mux builds the router. Unknown paths and wrong methods are answered by
// ServeMux itself; the middleware rewrites those answers into the API's
// error format, so a 405 stays a 405.
func (s *Server) mux() *http.ServeMux {
	m := http.NewServeMux()
	for _, rt := range s.routes() {
		m.Handle(rt.pattern, s.adapt(rt))
	}
	return m
}
