package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A comparison simulates linux unless the scenario names a profile, or
// --profile does.
func TestLoadForCompare_Profile(t *testing.T) {
	dir := t.TempDir()
	rfc := filepath.Join(dir, "rfc.yaml")
	require.NoError(t, os.WriteFile(rfc, []byte("profile: rfc\nclient: {send: 100}\n"), 0o644))
	for _, tt := range []struct{ scenario, flag, want string }{
		{"lost-segment", "", "linux"},
		{"lost-segment", "rfc", "rfc"},
		{rfc, "", "rfc"},
		{rfc, "linux", "linux"},
	} {
		s, err := loadForCompare(tt.scenario, tt.flag)
		require.NoError(t, err)
		assert.Equal(t, []string{tt.want, tt.want}, []string{s.Client.Profile, s.Server.Profile}, "%s --profile %q", tt.scenario, tt.flag)
		assert.Equal(t, "profile "+tt.want, profileOf(s))
	}
}
