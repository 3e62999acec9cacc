/**
 * The parts of `@pulumi/kubernetes` the components use, each loaded from its own module. The
 * package's index loads all of its API groups, Helm, Kustomize and its YAML engine (with glob) on
 * first import: about 120 modules, three times what these groups need, on every run of the program
 * (bench/README.md). Components import `k8s` from here; the names and types are the package's own.
 *
 * Helm is left out on purpose: a Chart returns references to the resources it made, which only
 * the package's index registers how to read, so the one component that renders a chart
 * (`RookCeph`) loads the whole package when, and only when, it does.
 */
export * as admissionregistration from "@pulumi/kubernetes/admissionregistration";
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apiregistration from "@pulumi/kubernetes/apiregistration";
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export * as rbac from "@pulumi/kubernetes/rbac";
export * as scheduling from "@pulumi/kubernetes/scheduling";
export * as storage from "@pulumi/kubernetes/storage";
export type * as types from "@pulumi/kubernetes/types";
export { Provider } from "@pulumi/kubernetes/provider";
