// Package idproof is the domain of the identity-proofing server: the entities a
// relying party and an end user work with (tenants, communities, licenses,
// service keys, verification configurations, proofing sessions, templates,
// buckets), the errors they can produce, and the interfaces that storage and
// other dependencies implement.
//
// The package imports only the standard library. Implementations live in one
// package per dependency (sqlite, postgres, wire, httpapi, ...), so the rules
// of the product can be read here without any of them.
package idproof
