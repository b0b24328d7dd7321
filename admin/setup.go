package admin

import (
	"context"
	"errors"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/wire"
)

// Setting keys.
const (
	settingServerKey   = "server_key"
	settingMasterCheck = "master_key_check"
)

// masterCheckText is sealed once per database so a server started with the
// wrong master key stops at once instead of failing on the first secret.
const masterCheckText = "idproof master key check"

// CheckMasterKey verifies that keyring opens the secrets of this database,
// recording a check value on first use.
func CheckMasterKey(ctx context.Context, st idproof.SettingStore, k *secret.Keyring) error {
	stored, err := st.PutSettingIfAbsent(ctx, settingMasterCheck, k.SealString(masterCheckText))
	if err != nil {
		return err
	}
	got, err := k.OpenString(stored)
	if err != nil || got != masterCheckText {
		return errors.New("the master key does not open this database's secrets: start with the master key it was created with (IDPROOF_MASTER_KEY, --master-key-file or <data>/master.key)")
	}
	return nil
}

// ServerKey returns the server's key pair, creating it on first start. It
// lives in the database, sealed, so every replica serves the same public key.
func ServerKey(ctx context.Context, st idproof.SettingStore, k *secret.Keyring) (*wire.PrivateKey, error) {
	sealed, err := st.Setting(ctx, settingServerKey)
	if idproof.IsNotFound(err) {
		priv, gerr := wire.GenerateKey()
		if gerr != nil {
			return nil, gerr
		}
		sealed, err = st.PutSettingIfAbsent(ctx, settingServerKey, k.SealString(priv.String()))
	}
	if err != nil {
		return nil, err
	}
	text, err := k.OpenString(sealed)
	if err != nil {
		return nil, err
	}
	return wire.ParsePrivateKey(text)
}
