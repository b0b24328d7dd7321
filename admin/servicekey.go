package admin

import (
	"context"
	"fmt"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/wire"
)

// ServiceKeyView is a service key as the API returns it, secret in clear
// (only system licenses may see it).
type ServiceKeyView struct {
	Tag       string `json:"tag"`
	KeyID     string `json:"keyId"`
	KeySecret string `json:"keySecret"`
	Type      string `json:"type"`
}

func (s *Service) newServiceKey(tag, typ string) (*idproof.ServiceKey, *ServiceKeyView, error) {
	priv, err := wire.GenerateKey()
	if err != nil {
		return nil, nil, err
	}
	k := &idproof.ServiceKey{
		KeyID:        priv.Public().String(),
		SecretSealed: s.Keyring.SealString(priv.String()),
		Tag:          tag,
		Type:         typ,
		CreatedAt:    s.now(),
	}
	return k, &ServiceKeyView{Tag: tag, KeyID: k.KeyID, KeySecret: priv.String(), Type: typ}, nil
}

// CreateServiceKey makes a new key pair and stores it.
func (s *Service) CreateServiceKey(ctx context.Context, tag, typ string) (*ServiceKeyView, error) {
	if typ == "" {
		typ = "service"
	}
	k, v, err := s.newServiceKey(tag, typ)
	if err != nil {
		return nil, err
	}
	if err := s.Store.CreateServiceKey(ctx, k); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) view(k *idproof.ServiceKey) (ServiceKeyView, error) {
	sec, err := s.Keyring.OpenString(k.SecretSealed)
	if err != nil {
		return ServiceKeyView{}, fmt.Errorf("service key %s: %w", k.KeyID, err)
	}
	return ServiceKeyView{Tag: k.Tag, KeyID: k.KeyID, KeySecret: sec, Type: k.Type}, nil
}

// ServiceKeys lists every service key with its secret.
func (s *Service) ServiceKeys(ctx context.Context) ([]ServiceKeyView, error) {
	keys, err := s.Store.ServiceKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceKeyView, 0, len(keys))
	for _, k := range keys {
		v, err := s.view(k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ServiceKeyByTag returns the key with the given tag, with its secret.
func (s *Service) ServiceKeyByTag(ctx context.Context, tag string) (*ServiceKeyView, error) {
	k, err := s.Store.ServiceKeyByTag(ctx, tag)
	if err != nil {
		return nil, err
	}
	v, err := s.view(k)
	return &v, err
}

// RotateServiceKey replaces the key keyID by a new pair with the same tag and
// type, atomically, and returns the new one.
func (s *Service) RotateServiceKey(ctx context.Context, keyID string) (*ServiceKeyView, error) {
	// Accept the key in any base64 form a client may have; the store keeps
	// the canonical one.
	if pub, err := wire.ParsePublicKey(keyID); err == nil {
		keyID = pub.String()
	}
	old, err := s.Store.ServiceKey(ctx, keyID)
	if err != nil {
		return nil, err
	}
	k, v, err := s.newServiceKey(old.Tag, old.Type)
	if err != nil {
		return nil, err
	}
	if err := s.Store.ReplaceServiceKey(ctx, old.KeyID, k); err != nil {
		return nil, err
	}
	return v, nil
}
