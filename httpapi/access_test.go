package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The access rules of every route are tested by TestAccessMatrix
// (access_matrix_test.go), generated from the route table.

// assertErrorBody checks the API error format.
func assertErrorBody(t *testing.T, status int, body []byte) {
	t.Helper()
	var eb struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("error body is not JSON: %q", body)
	}
	if eb.StatusCode != status || eb.Error != http.StatusText(status) || eb.Message == "" {
		t.Fatalf("error body %+v for status %d", eb, status)
	}
}
