// kindconfig-check reads a kind cluster configuration on standard input and
// answers, as one JSON object on standard output, whether kind and kubeadm would
// accept it: kind's v1alpha4 types decoded strictly (as kind decodes its own
// --config), then, for every kubeadm API version a kind node image may use
// (v1beta3 before Kubernetes 1.36, v1beta4 from 1.36 on), the control-plane
// node's ClusterConfiguration patches applied to a kind-like base and the result
// loaded through kubeadm's own configuration loader (strict decoding, defaulting,
// conversion and validation). The resulting kube-apiserver arguments and volumes
// are reported so auditspec's tests can assert on what kubeadm would really run.
// The other patches (InitConfiguration, KubeletConfiguration) are each decoded
// strictly against kubeadm's or the kubelet's own types (patches.go).
//
// It is a test helper for auditspec (see test/clusters/kind/), not part of the
// product.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

type apiServerResult struct {
	ExtraArgs    map[string]string `json:"extraArgs"`
	ExtraVolumes []volumeResult    `json:"extraVolumes"`
}

type volumeResult struct {
	Name      string `json:"name"`
	HostPath  string `json:"hostPath"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
	PathType  string `json:"pathType"`
}

type kubeadmResult struct {
	APIVersion string `json:"apiVersion"`
	// How many ClusterConfiguration patches matched this version.
	Patches   int              `json:"patches"`
	OK        bool             `json:"ok"`
	Error     string           `json:"error,omitempty"`
	APIServer *apiServerResult `json:"apiServer,omitempty"`
}

type mountResult struct {
	HostPath      string `json:"hostPath"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type nodeResult struct {
	Role        string        `json:"role"`
	Image       string        `json:"image"`
	ExtraMounts []mountResult `json:"extraMounts"`
}

type result struct {
	OK      bool            `json:"ok"`
	Errors  []string        `json:"errors"`
	Name    string          `json:"name,omitempty"`
	Nodes   []nodeResult    `json:"nodes,omitempty"`
	Kubeadm []kubeadmResult `json:"kubeadm,omitempty"`
	// The other patches (InitConfiguration, KubeletConfiguration), each decoded strictly.
	OtherPatches []patchResult `json:"otherPatches,omitempty"`
}

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading standard input:", err)
		os.Exit(2)
	}
	out := check(raw)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if !out.OK {
		os.Exit(1)
	}
}

func check(raw []byte) result {
	out := result{Errors: []string{}}
	cluster, err := decodeKindCluster(raw)
	if err != nil {
		out.Errors = append(out.Errors, "kind: "+err.Error())
		return out
	}
	out.Name = cluster.Name
	var controlPlanes int
	var patches []string
	patches = append(patches, cluster.KubeadmConfigPatches...)
	for _, node := range cluster.Nodes {
		n := nodeResult{Role: string(node.Role), Image: node.Image, ExtraMounts: []mountResult{}}
		for _, m := range node.ExtraMounts {
			n.ExtraMounts = append(n.ExtraMounts, mountResult{HostPath: m.HostPath, ContainerPath: m.ContainerPath, ReadOnly: m.Readonly})
		}
		out.Nodes = append(out.Nodes, n)
		if node.Role == "control-plane" {
			controlPlanes++
			if controlPlanes == 1 {
				patches = append(patches, node.KubeadmConfigPatches...)
			}
		}
	}
	if controlPlanes != 1 {
		out.Errors = append(out.Errors, fmt.Sprintf("kind: expected exactly one control-plane node, found %d", controlPlanes))
	}
	for _, version := range kubeadmVersions {
		r := applyAndLoad(version, patches)
		if !r.OK {
			out.Errors = append(out.Errors, fmt.Sprintf("kubeadm %s: %s", version, r.Error))
		}
		out.Kubeadm = append(out.Kubeadm, r)
	}
	out.OtherPatches = checkOtherPatches(patches)
	for _, p := range out.OtherPatches {
		if !p.OK {
			out.Errors = append(out.Errors, fmt.Sprintf("%s %s patch: %s", p.Kind, p.APIVersion, p.Error))
		}
	}
	out.OK = len(out.Errors) == 0
	return out
}
