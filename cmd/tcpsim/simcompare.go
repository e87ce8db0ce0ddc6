package main

import (
	"fmt"
	"io"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/compare"
)

// What 'tcpsim kernel --compare' and 'tcpsim draw --compare' share: the
// simulation to hold the other trace against, and the report.

// compareProfile is the profile a comparison simulates when the scenario
// names none: the one that promises what a Linux host puts on the wire.
const compareProfile = "linux"

// loadForCompare loads the scenario to simulate for a comparison: with
// profile when it is set, else with the profile the scenario names, else
// with linux.
func loadForCompare(name, profile string) (*scenarios.Scenario, error) {
	s, err := scenarios.LoadWith(name, scenarios.Options{Profile: profile})
	if err != nil || profile != "" || s.ProfileWritten {
		return s, err
	}
	return scenarios.LoadWith(name, scenarios.Options{Profile: compareProfile})
}

// profileOf names the profile a scenario's hosts run, for the heading.
func profileOf(s *scenarios.Scenario) string {
	if s.Client.Profile == s.Server.Profile {
		return "profile " + s.Client.Profile
	}
	return "profiles " + s.Client.Profile + " (client) and " + s.Server.Profile + " (server)"
}

// simulate runs s for at most limit (0: its duration) and returns its
// records.
func simulate(s *scenarios.Scenario, limit time.Duration) ([]trace.Record, error) {
	if limit > 0 && limit < s.Duration {
		c := *s
		c.Duration = limit
		s = &c
	}
	var log trace.Log
	if _, err := scenarios.Run(s, &log); err != nil {
		return nil, fmt.Errorf("simulating %s: %w", s.Name, err)
	}
	return log.Records, nil
}

// compareRows is how many rows of the comparison --ladder asks for: auto
// shows as many rows as the ladder would lines, full all, none only the
// summary.
func compareRows(ladder string) (rows int, summaryOnly bool) {
	switch ladder {
	case "full":
		return 0, false
	case "none":
		return 0, true
	}
	return autoLadderLines, false
}

// writeComparison writes the comparison of the simulation's records with
// the other's (the kernel's, or a capture's), named other.
func writeComparison(w io.Writer, sim, rec []trace.Record, other, ladder string) error {
	r := compare.Compare(sim, rec, 0)
	o := compare.Options{Names: [2]string{"simulation", other}}
	rows, summaryOnly := compareRows(ladder)
	o.MaxRows = rows
	if summaryOnly {
		return r.WriteSummary(w, o)
	}
	return r.Write(w, o)
}
