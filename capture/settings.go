package capture

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/idproof/idproof"
)

// settingKey is where a community's capture settings are stored.
func settingKey(communityID string) string { return "capture/" + communityID }

// LoadSettings reads a community's capture settings; a community that has
// none gets the defaults (no framing, no CORS, the browser's language).
func LoadSettings(ctx context.Context, st idproof.SettingStore, communityID string) (Settings, error) {
	raw, err := st.Setting(ctx, settingKey(communityID))
	if idproof.IsNotFound(err) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// SaveSettings validates and stores a community's capture settings.
func SaveSettings(ctx context.Context, st idproof.SettingStore, communityID string, s Settings) (Settings, error) {
	s, err := s.Validate()
	if err != nil {
		return s, err
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return s, err
	}
	return s, st.PutSetting(ctx, settingKey(communityID), raw)
}

// maxOrigins bounds each list: they end up in every response's headers.
const maxOrigins = 20

// Validate checks the settings and returns them normalised: origins are
// scheme://host[:port] in lower case, https unless the host is loopback.
func (s Settings) Validate() (Settings, error) {
	var err error
	if s.FrameAncestors, err = origins("frameAncestors", s.FrameAncestors); err != nil {
		return s, err
	}
	if s.CORSOrigins, err = origins("corsOrigins", s.CORSOrigins); err != nil {
		return s, err
	}
	switch s.Language {
	case "", "en", "es":
	default:
		return s, idproof.Errorf(idproof.EINVALID, "language must be en or es (or left out to follow the browser)")
	}
	return s, nil
}

func origins(field string, list []string) ([]string, error) {
	if len(list) > maxOrigins {
		return nil, idproof.Errorf(idproof.EINVALID, "%s has %d entries; at most %d are allowed", field, len(list), maxOrigins)
	}
	out := make([]string, 0, len(list))
	for i, o := range list {
		u, err := url.Parse(strings.TrimSpace(o))
		bad := err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != ""
		if !bad {
			host := u.Hostname()
			loopback := host == "localhost" || host == "127.0.0.1" || host == "::1"
			bad = !(u.Scheme == "https" || u.Scheme == "http" && loopback) || strings.ContainsAny(u.Host, "*;' ")
		}
		if bad {
			return nil, idproof.Errorf(idproof.EINVALID, "%s[%d] %.80q must be an origin such as https://app.example.com (https, or http on localhost; no path)", field, i, o)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}

// AllowsOrigin reports whether a browser page of origin may call the
// session endpoints (CORS).
func (s Settings) AllowsOrigin(origin string) bool {
	for _, o := range s.CORSOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// BucketOrigins makes Deps.UploadOrigins from the resolver of communities'
// buckets: the origin of a presigned upload URL, found by presigning one
// (a local computation for every backend). The page may upload there.
func BucketOrigins(resolve func(ctx context.Context, tenantID, communityID string) (idproof.BlobStore, error)) func(context.Context, string, string) ([]string, error) {
	return func(ctx context.Context, tenantID, communityID string) ([]string, error) {
		st, err := resolve(ctx, tenantID, communityID)
		if err != nil {
			return nil, err
		}
		u, err := st.PresignPut(ctx, "sessions/origin-probe", "image/jpeg", time.Minute)
		if err != nil {
			return nil, err
		}
		p, err := url.Parse(u)
		if err != nil || p.Host == "" {
			return nil, err
		}
		return []string{p.Scheme + "://" + p.Host}, nil
	}
}
