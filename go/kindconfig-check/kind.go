package main

import (
	"bytes"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// decodeKindCluster decodes the configuration the way `kind create cluster
// --config` does: apiVersion and kind first, then the v1alpha4 types with
// unknown fields refused, then kind's defaults.
func decodeKindCluster(raw []byte) (*v1alpha4.Cluster, error) {
	var meta struct {
		Kind       string `yaml:"kind"`
		APIVersion string `yaml:"apiVersion"`
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("could not determine kind / apiVersion: %w", err)
	}
	if meta.APIVersion != "kind.x-k8s.io/v1alpha4" {
		return nil, fmt.Errorf("unknown apiVersion %q", meta.APIVersion)
	}
	if meta.Kind != "Cluster" {
		return nil, fmt.Errorf("unknown kind %q for apiVersion %s", meta.Kind, meta.APIVersion)
	}
	cluster := &v1alpha4.Cluster{}
	decoder := yaml.NewDecoder(bytes.NewReader(raw))
	decoder.KnownFields(true)
	if err := decoder.Decode(cluster); err != nil {
		return nil, fmt.Errorf("unable to decode config: %w", err)
	}
	v1alpha4.SetDefaultsCluster(cluster)
	return cluster, nil
}
