package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/idproof/idproof"
)

// VerificationConfigView is a verification configuration as the
// administration API returns it: the connector with its secrets masked.
type VerificationConfigView struct {
	DVCID        string          `json:"dvcID"`
	TenantID     string          `json:"tenantId"`
	CommunityID  string          `json:"communityId"`
	Name         string          `json:"name"`
	Connector    json.RawMessage `json:"connector"`
	Verification json.RawMessage `json:"verification"`
	CreatedTS    int64           `json:"createdTS"`
	UpdatedTS    int64           `json:"updatedTS"`
}

// VerificationConfigView opens the connector of c and returns c with the
// connector's secrets masked (see MaskSecrets).
func (s *Service) VerificationConfigView(c *idproof.VerificationConfig) (*VerificationConfigView, error) {
	conn, err := s.OpenConnector(c)
	if err != nil {
		return nil, err
	}
	ver := c.Verification
	if len(ver) == 0 {
		ver = json.RawMessage("null")
	}
	return &VerificationConfigView{
		DVCID: c.ID, TenantID: c.TenantID, CommunityID: c.CommunityID, Name: c.Name,
		Connector: MaskSecrets(conn), Verification: ver,
		CreatedTS: epochMillis(c.CreatedAt), UpdatedTS: epochMillis(c.UpdatedAt),
	}, nil
}

// OpenConnector returns the connector object of c in clear, for the engine
// that calls the connector.
func (s *Service) OpenConnector(c *idproof.VerificationConfig) (json.RawMessage, error) {
	b, err := s.Keyring.Open(c.ConnectorSealed)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// PutVerificationConfig creates, or replaces, the configuration with the
// given name in a community. The connector must be an object with a
// non-empty string "type"; the verification an object. Secret values of
// the connector that are still masked, as a read returned them, are
// replaced by the stored values at the same place, so a configuration can
// be read, edited and put back without retyping its secrets. The connector
// is stored sealed.
func (s *Service) PutVerificationConfig(ctx context.Context, tenantID, communityID, name string, connector, verification json.RawMessage) (*idproof.VerificationConfig, error) {
	if err := checkName("name", name); err != nil {
		return nil, err
	}
	if _, err := s.tenant(ctx, tenantID); err != nil {
		return nil, err
	}
	if _, err := s.community(ctx, tenantID, communityID); err != nil {
		return nil, err
	}
	if _, err := checkConnector(connector); err != nil {
		return nil, err
	}
	ver, err := checkVerification(verification)
	if err != nil {
		return nil, err
	}
	// Two writers may put the same new name at once: the loser of the
	// create finds the winner's config and replaces it.
	for range 2 {
		old, err := s.Store.VerificationConfigByName(ctx, tenantID, communityID, name)
		if err != nil && !idproof.IsNotFound(err) {
			return nil, err
		}
		c, err := s.putConfig(ctx, old, tenantID, communityID, name, connector, ver)
		if code := idproof.ErrorCode(err); (old == nil && code == idproof.ECONFLICT) || (old != nil && code == idproof.ENOTFOUND) {
			continue
		}
		return c, err
	}
	return nil, idproof.Errorf(idproof.ECONFLICT, "verification config %q changed while it was written; try again", name)
}

// putConfig writes one attempt of PutVerificationConfig: a new config when
// old is nil, else a replacement of old.
func (s *Service) putConfig(ctx context.Context, old *idproof.VerificationConfig, tenantID, communityID, name string, connector, ver json.RawMessage) (*idproof.VerificationConfig, error) {
	// Parsed afresh for each attempt: restoring secrets changes the tree.
	conn, err := checkConnector(connector)
	if err != nil {
		return nil, err
	}
	var stored *jsonNode
	if old != nil {
		b, err := s.OpenConnector(old)
		if err != nil {
			return nil, err
		}
		if stored, err = parseJSON(b); err != nil {
			return nil, err
		}
	}
	if err := restore(conn, stored, "connector", nil); err != nil {
		return nil, err
	}
	plain := conn.encode()
	if s.ValidateConfig != nil {
		if err := s.ValidateConfig(plain, ver); err != nil {
			var e *idproof.Error
			if !errors.As(err, &e) {
				err = idproof.Errorf(idproof.EINVALID, "%v", err)
			}
			return nil, err
		}
	}
	now := s.now()
	if old == nil {
		c := &idproof.VerificationConfig{
			ID: idproof.NewObjectID(), TenantID: tenantID, CommunityID: communityID, Name: name,
			ConnectorSealed: s.Keyring.Seal(plain), Verification: ver, CreatedAt: now, UpdatedAt: now,
		}
		return c, s.Store.CreateVerificationConfig(ctx, c)
	}
	old.ConnectorSealed, old.Verification, old.UpdatedAt = s.Keyring.Seal(plain), ver, now
	return old, s.Store.UpdateVerificationConfig(ctx, old)
}

// checkConnector parses the connector object and checks its shape.
func checkConnector(connector json.RawMessage) (*jsonNode, error) {
	if len(bytes.TrimSpace(connector)) == 0 {
		return nil, idproof.Errorf(idproof.EINVALID, "connector is required")
	}
	n, err := parseJSON(connector)
	if err != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "connector is not valid JSON")
	}
	if n.kind != '{' {
		return nil, idproof.Errorf(idproof.EINVALID, "connector must be a JSON object")
	}
	if t := n.get("type"); t == nil || t.kind != '"' || t.str == "" {
		return nil, idproof.Errorf(idproof.EINVALID, "connector.type must be a non-empty string")
	}
	if c := n.get("config"); c != nil && c.kind != '{' {
		return nil, idproof.Errorf(idproof.EINVALID, "connector.config must be a JSON object")
	}
	// With a key twice, which one a reader takes is a matter of the
	// parser; secrets must not depend on that.
	if err := noDuplicateKeys(n, "connector"); err != nil {
		return nil, err
	}
	return n, nil
}

// checkVerification checks the verification object and returns it compact.
func checkVerification(verification json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(verification)) == 0 {
		return nil, idproof.Errorf(idproof.EINVALID, "verification is required")
	}
	n, err := parseJSON(verification)
	if err != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "verification is not valid JSON")
	}
	if n.kind != '{' {
		return nil, idproof.Errorf(idproof.EINVALID, "verification must be a JSON object")
	}
	if c := n.get("config"); c != nil && c.kind != '{' {
		return nil, idproof.Errorf(idproof.EINVALID, "verification.config must be a JSON object")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, verification); err != nil {
		return nil, idproof.Errorf(idproof.EINVALID, "verification is not valid JSON")
	}
	return b.Bytes(), nil
}

func noDuplicateKeys(n *jsonNode, path string) error {
	seen := map[string]bool{}
	for i, c := range n.elems {
		p := path + "[" + strconv.Itoa(i) + "]"
		if n.kind == '{' {
			k := n.keys[i]
			if seen[k] {
				return idproof.Errorf(idproof.EINVALID, "%s has the key %q twice", path, k)
			}
			seen[k] = true
			p = path + "." + k
		}
		if err := noDuplicateKeys(c, p); err != nil {
			return err
		}
	}
	return nil
}

// restoreSecrets replaces each masked secret string of n by the stored
// string at the same place, when the stored one masks to exactly it. A
// masked value with nothing behind it is refused rather than stored, since
// it would silently become the credential.
func restoreSecrets(n, stored *jsonNode, secret bool, path string) error {
	switch n.kind {
	case '"':
		if !secret || !looksMasked(n.str) {
			return nil
		}
		if stored != nil && stored.kind == '"' && MaskValue(stored.str) == n.str {
			n.str = stored.str
			return nil
		}
		return idproof.Errorf(idproof.EINVALID, "%s is a masked value with no stored secret behind it; send the secret itself", path)
	case '{':
		for i, c := range n.elems {
			k := n.keys[i]
			if err := restoreSecrets(c, stored.get(k), secret || IsSecretName(k), path+"."+k); err != nil {
				return err
			}
		}
	case '[':
		for i, c := range n.elems {
			var o *jsonNode
			if stored != nil && stored.kind == '[' && i < len(stored.elems) {
				o = stored.elems[i]
			}
			if err := restoreSecrets(c, o, secret, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// VerificationConfigs lists the configurations of a community, or of the
// whole tenant when communityID is "".
func (s *Service) VerificationConfigs(ctx context.Context, tenantID, communityID string) ([]*idproof.VerificationConfig, error) {
	if _, err := s.tenant(ctx, tenantID); err != nil {
		return nil, err
	}
	if communityID != "" {
		if _, err := s.community(ctx, tenantID, communityID); err != nil {
			return nil, err
		}
	}
	return s.Store.VerificationConfigs(ctx, tenantID, communityID)
}

// VerificationConfig returns the configuration with the given dvcID.
func (s *Service) VerificationConfig(ctx context.Context, id string) (*idproof.VerificationConfig, error) {
	if !idproof.IsObjectID(id) {
		return nil, notFound("verification config", id)
	}
	return s.Store.VerificationConfig(ctx, id)
}

// DeleteVerificationConfig deletes the configuration with the given dvcID.
func (s *Service) DeleteVerificationConfig(ctx context.Context, id string) error {
	if !idproof.IsObjectID(id) {
		return notFound("verification config", id)
	}
	return s.Store.DeleteVerificationConfig(ctx, id)
}
