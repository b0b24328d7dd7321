package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/idproof/idproof"
)

var settingTests = []test{
	{"NotFound", func(t *testing.T, s idproof.Store) {
		_, err := s.Setting(t.Context(), "missing")
		wantCode(t, "Setting", err, idproof.ENOTFOUND)
	}},
	{"PutIfAbsent", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		first := []byte{0, 1, 2, 0xff, 'k'}
		got, err := s.PutSettingIfAbsent(ctx, "server.key", first)
		must(t, "PutSettingIfAbsent first", err)
		check(t, "PutSettingIfAbsent first", got, first)
		got, err = s.PutSettingIfAbsent(ctx, "server.key", []byte("second"))
		must(t, "PutSettingIfAbsent second", err)
		check(t, "PutSettingIfAbsent second", got, first)
		got, err = s.Setting(ctx, "server.key")
		must(t, "Setting", err)
		check(t, "Setting", got, first)
		got, err = s.PutSettingIfAbsent(ctx, "other", []byte("x"))
		must(t, "PutSettingIfAbsent other key", err)
		check(t, "PutSettingIfAbsent other key", got, []byte("x"))
	}},
	{"Put", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		must(t, "PutSetting", s.PutSetting(ctx, "capture/c1", []byte("one")))
		must(t, "PutSetting replace", s.PutSetting(ctx, "capture/c1", []byte{0, 'b'}))
		got, err := s.Setting(ctx, "capture/c1")
		must(t, "Setting", err)
		check(t, "Setting after replace", got, []byte{0, 'b'})
		got, err = s.PutSettingIfAbsent(ctx, "capture/c1", []byte("ignored"))
		must(t, "PutSettingIfAbsent after PutSetting", err)
		check(t, "PutSettingIfAbsent after PutSetting", got, []byte{0, 'b'})
	}},
	{"Concurrent", func(t *testing.T, s idproof.Store) {
		const n = 8
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			got   = make([][]byte, n)
			errs  = make([]error, n)
		)
		for i := range n {
			wg.Go(func() {
				<-start
				got[i], errs[i] = s.PutSettingIfAbsent(t.Context(), "k", []byte(fmt.Sprint("value", i)))
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			must(t, "PutSettingIfAbsent", errs[i])
			check(t, "PutSettingIfAbsent", got[i], got[0])
		}
		stored, err := s.Setting(t.Context(), "k")
		must(t, "Setting", err)
		check(t, "Setting", stored, got[0])
	}},
}
