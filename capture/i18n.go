package capture

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/text/language"
)

// The catalogue: every string the page and the server's own pages show,
// one JSON object per language, the same keys in each (a test holds them
// to it). English is the fallback.
//
//go:embed assets/i18n/*.json
var catalogueFS embed.FS

// languages are the catalogue's languages, the fallback first.
var languages = []language.Tag{language.English, language.Spanish}

var matcher = language.NewMatcher(languages)

// catalogue is one language's strings.
type catalogue struct {
	Lang    string            // BCP 47 base, for <html lang>
	Strings map[string]string // key -> text
	raw     []byte            // the JSON as embedded, for the page
}

// T returns the text of key, or the key itself so that a missing string
// shows up in review rather than as an empty button.
func (c *catalogue) T(key string) string {
	if s, ok := c.Strings[key]; ok {
		return s
	}
	return key
}

var catalogues = sync.OnceValues(func() (map[string]*catalogue, error) {
	out := map[string]*catalogue{}
	for _, tag := range languages {
		base, _ := tag.Base()
		raw, err := catalogueFS.ReadFile("assets/i18n/" + base.String() + ".json")
		if err != nil {
			return nil, err
		}
		c := &catalogue{Lang: base.String(), raw: raw}
		if err := json.Unmarshal(raw, &c.Strings); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", base, err)
		}
		out[c.Lang] = c
	}
	return out, nil
})

// pick chooses the catalogue for a request: the community's language when
// it set one, else the best match of Accept-Language, else English.
func pick(r *http.Request, forced string) *catalogue {
	cats, err := catalogues()
	if err != nil {
		// The catalogue is embedded and tested; this cannot happen in a
		// built binary.
		panic(err)
	}
	if c, ok := cats[forced]; ok {
		return c
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		i = 0
	}
	base, _ := languages[i].Base()
	return cats[base.String()]
}
