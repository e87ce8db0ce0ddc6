package viz

import (
	"strings"
	"testing"
)

// sampleArgs are arguments of the types each message's verbs expect.
var sampleArgs = map[msg][]any{
	msgDupACKN:           {2},
	msgKeepaliveN:        {2},
	msgDropped:           {"loss"},
	msgDroppedInFlight:   {"link down"},
	msgConn:              {2, "note"},
	msgState:             {"SYN-SENT", "ESTABLISHED"},
	msgAborted:           {"reset"},
	msgAppWrite:          {int64(10)},
	msgAppRead:           {int64(10)},
	msgAppOther:          {"shutdown"},
	msgRTOFiredN:         {int64(2)},
	msgHostCrash:         {"server"},
	msgHostReboot:        {"server"},
	msgHostOther:         {"server", "freeze"},
	msgLinkDown:          {"client→server"},
	msgLinkUp:            {"client→server"},
	msgLinkOther:         {"client→server", "flap"},
	msgMoreEvent:         {int64(1)},
	msgMoreEvents:        {int64(2)},
	msgSumTitle:          {"1.000 s"},
	msgSumFinalStateConn: {uint32(2)},
	msgSumAbort:          {uint32(2), "reset"},
}

// Every message exists and takes exactly the arguments viz passes it; a
// translated catalogue must pass this test too.
func TestCatalogues(t *testing.T) {
	for name, c := range map[string]*catalog{"english": &english} {
		for m := msg(0); m < numMsgs; m++ {
			if c[m] == "" {
				t.Errorf("%s: message %d is empty", name, m)
				continue
			}
			if got := c.sprintf(m, sampleArgs[m]...); strings.Contains(got, "%!") {
				t.Errorf("%s: message %d %q with %v gives %q", name, m, c[m], sampleArgs[m], got)
			}
		}
	}
}

// The phrase with an ordinal follows its plain form in the catalogue.
func TestCatalogueOrdinalPairs(t *testing.T) {
	for _, m := range []msg{msgDupACK, msgKeepalive} {
		if !strings.HasPrefix(english[m+1], english[m]) || !strings.Contains(english[m+1], "%d") {
			t.Errorf("message %d %q is not followed by its ordinal form (got %q)", m, english[m], english[m+1])
		}
	}
}
