package httpapi

import (
	"net/http"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/wire"
)

type ecdsaRequest struct {
	DataStr    *string `json:"dataStr"`
	PublicKey  string  `json:"publicKey"`
	PrivateKey string  `json:"privateKey"`
}

type ecdsaResponse struct {
	Data      string `json:"data"`
	PublicKey string `json:"publicKey"`
}

// ecdsaHelper encrypts or decrypts dataStr with the key shared by privateKey
// and publicKey. The Postman collection does its crypto this way. Sending a
// private key to a server is only sane for test keys, so it can be switched
// off. The reply's publicKey is the one matching privateKey: what the other
// party needs to open the data.
func (s *Server) ecdsaHelper(w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.ECDSAHelper {
		return errorf(idproof.ENOTIMPLEMENTED, "ecdsa_helper is switched off on this server")
	}
	method := r.PathValue("method")
	if method == "" {
		method = "encrypt"
	}
	if method != "encrypt" && method != "decrypt" {
		return errorf(idproof.EINVALID, "method must be encrypt or decrypt, not %q", method)
	}
	var req ecdsaRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.DataStr == nil:
		return errorf(idproof.EINVALID, "dataStr is required")
	case req.PublicKey == "":
		return errorf(idproof.EINVALID, "publicKey is required")
	case req.PrivateKey == "":
		return errorf(idproof.EINVALID, "privateKey is required")
	}
	priv, err := wire.ParsePrivateKey(req.PrivateKey)
	if err != nil {
		return errorf(idproof.EINVALID, "privateKey: %v", err)
	}
	pub, err := wire.ParsePublicKey(req.PublicKey)
	if err != nil {
		return errorf(idproof.EINVALID, "publicKey: %v", err)
	}
	shared := priv.Shared(pub)
	resp := ecdsaResponse{PublicKey: priv.Public().String()}
	if method == "encrypt" {
		resp.Data = wire.Encrypt(shared, []byte(*req.DataStr))
	} else {
		plain, err := wire.Decrypt(shared, *req.DataStr)
		if err != nil {
			return errorf(idproof.EINVALID, "dataStr does not decrypt with these keys")
		}
		resp.Data = string(plain)
	}
	return s.reply(w, r, http.StatusOK, resp)
}
