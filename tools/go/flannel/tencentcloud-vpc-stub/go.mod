// Stand-in for the TencentCloud VPC SDK, which the Go module proxy does not serve (403): just the
// names flannel's tencentvpc backend uses, with a client that fails every call (see ../go.mod).
module github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc

go 1.26.0
