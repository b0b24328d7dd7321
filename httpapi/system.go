package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/idproof/idproof/connector"
	"github.com/idproof/idproof/wire"
)

type healthzResponse struct {
	Status    string `json:"status"`
	PublicKey string `json:"publicKey"`
	Code      string `json:"code"`
	Version   string `json:"version"`
}

// healthz reports liveness and whether the database answers; load
// balancers take a 503 as "send traffic elsewhere".
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	resp := healthzResponse{Status: "all services operational", PublicKey: s.keys.PublicKey(), Code: "200", Version: s.cfg.Version}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		logger(r.Context(), s.log).Warn("healthz: database ping failed", "err", err)
		resp.Status, resp.Code, status = "database unavailable", "503", http.StatusServiceUnavailable
	}
	return s.reply(w, r, status, resp)
}

func (s *Server) publicKeys(w http.ResponseWriter, r *http.Request) error {
	return s.reply(w, r, http.StatusOK, map[string]string{"publicKey": s.keys.PublicKey()})
}

// environmentResponse tells clients how to talk to this server. It holds
// no secrets.
type environmentResponse struct {
	AllowedTimeSpan int    `json:"allowed_time_span"`
	ECCurveName     string `json:"EC_CURVE_NAME"`
	Version         string `json:"version"`
	PublicKey       string `json:"publicKey"`
	LegacyAuth      bool   `json:"legacy_auth_enabled"`
	ECDSAHelper     bool   `json:"ecdsa_helper_enabled"`
	MaxBodyBytes    int64  `json:"max_body_bytes"`
}

func (s *Server) environment(w http.ResponseWriter, r *http.Request) error {
	return s.reply(w, r, http.StatusOK, environmentResponse{
		AllowedTimeSpan: int(s.cfg.AllowedTimeSpan / time.Second),
		ECCurveName:     wire.Curve,
		Version:         s.cfg.Version,
		PublicKey:       s.keys.PublicKey(),
		LegacyAuth:      s.cfg.LegacyAuth,
		ECDSAHelper:     s.cfg.ECDSAHelper,
		MaxBodyBytes:    s.cfg.MaxBodyBytes,
	})
}

// serviceDirectory names the services this server provides. Both names the
// vendor's clients look up point here, because one process serves both.
func (s *Server) serviceDirectory(w http.ResponseWriter, r *http.Request) error {
	return s.reply(w, r, http.StatusOK, map[string]string{
		"idproofingapi": s.cfg.PublicURL,
		"docuverify":    s.cfg.PublicURL,
	})
}

func (s *Server) info(w http.ResponseWriter, r *http.Request) error {
	list := []connector.Info{}
	if s.connectors != nil {
		list = append(list, s.connectors.Infos()...)
	}
	return s.reply(w, r, http.StatusOK, list)
}
