package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kubeadmscheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/config/strict"
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	"sigs.k8s.io/yaml"
)

// patchResult is what became of one kubeadm config patch that is not a
// ClusterConfiguration (those are merged and loaded in kubeadm.go): decoded
// strictly against the types of the document it targets, as kubeadm decodes
// the documents kind hands it, so a misspelt or unknown field is refused.
type patchResult struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	// InitConfiguration
	SkipPhases []string `json:"skipPhases,omitempty"`
	// KubeletConfiguration
	FailCgroupV1 *bool `json:"failCgroupV1,omitempty"`
}

// schemes for the documents kind's kubeadm config holds besides
// ClusterConfiguration.
var patchSchemes = map[string]func() (*runtime.Scheme, error){
	"InitConfiguration": func() (*runtime.Scheme, error) { return kubeadmscheme.Scheme, nil },
	"JoinConfiguration": func() (*runtime.Scheme, error) { return kubeadmscheme.Scheme, nil },
	"KubeletConfiguration": func() (*runtime.Scheme, error) {
		s, _, err := kubeletscheme.NewSchemeAndCodecs()
		return s, err
	},
}

func checkOtherPatches(patches []string) []patchResult {
	out := []patchResult{}
	for _, patch := range patches {
		for _, doc := range splitDocuments(patch) {
			var meta struct {
				Kind         string   `json:"kind"`
				APIVersion   string   `json:"apiVersion"`
				SkipPhases   []string `json:"skipPhases"`
				FailCgroupV1 *bool    `json:"failCgroupV1"`
			}
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil || meta.Kind == "ClusterConfiguration" {
				continue
			}
			r := patchResult{Kind: meta.Kind, APIVersion: meta.APIVersion, SkipPhases: meta.SkipPhases, FailCgroupV1: meta.FailCgroupV1}
			newScheme, known := patchSchemes[meta.Kind]
			switch {
			case !known:
				r.Error = fmt.Sprintf("a patch for %s, which kind's kubeadm config does not hold", meta.Kind)
			case meta.APIVersion == "":
				r.Error = "a patch without apiVersion cannot be checked"
			default:
				scheme, err := newScheme()
				if err != nil {
					r.Error = err.Error()
					break
				}
				gv, err := schema.ParseGroupVersion(meta.APIVersion)
				if err != nil {
					r.Error = err.Error()
					break
				}
				if !scheme.Recognizes(gv.WithKind(meta.Kind)) {
					r.Error = fmt.Sprintf("%s is not a known version of %s", meta.APIVersion, meta.Kind)
					break
				}
				if err := strict.VerifyUnmarshalStrict([]*runtime.Scheme{scheme}, gv.WithKind(meta.Kind), []byte(doc)); err != nil {
					r.Error = fmt.Sprintf("refused by strict decoding: %v", err)
					break
				}
				r.OK = true
			}
			out = append(out, r)
		}
	}
	return out
}
