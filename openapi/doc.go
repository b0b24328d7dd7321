// Package openapi holds the OpenAPI 3.1 description of the HTTP API,
// served at GET /openapi.json.
//
// The document is written by hand in openapi.json and embedded in the
// binary. It is kept honest by tests rather than generated from code: the
// route table's test checks that every route has an operation and every
// operation a route, and the command's drift test validates real answers of
// a running server against the response schemas. A field added to an
// answer without being described here fails that test, because the
// schemas of fixed shapes forbid members they do not name.
package openapi
