// Package v20170312 stands in for the TencentCloud VPC API client that flannel's tencentvpc backend
// calls. It declares only the names that backend uses; every call fails, so a network config that
// selects the tencentvpc backend stops flanneld with this error instead of changing routes.
package v20170312

import "errors"

// ErrNotBuilt is what every call returns.
var ErrNotBuilt = errors.New("the tencentvpc backend is not built into this flanneld: the TencentCloud VPC SDK is not available from the Go module proxy")

// Client is the VPC API client.
type Client struct{}

// NewClientWithSecretId returns a client whose every call fails.
func NewClientWithSecretId(secretID, secretKey, region string) (*Client, error) {
	return &Client{}, ErrNotBuilt
}

// Filter narrows a Describe call.
type Filter struct {
	Name   *string
	Values []*string
}

// Route is one entry of a route table.
type Route struct {
	DestinationCidrBlock *string
	GatewayType          *string
	GatewayId            *string
	RouteId              *uint64
	RouteType            *string
	Enabled              *bool
}

// RouteTable is a VPC route table.
type RouteTable struct {
	RouteTableId *string
	RouteSet     []*Route
}

// DescribeRouteTablesRequest asks for route tables.
type DescribeRouteTablesRequest struct {
	Filters []*Filter
}

// NewDescribeRouteTablesRequest returns an empty request.
func NewDescribeRouteTablesRequest() *DescribeRouteTablesRequest {
	return &DescribeRouteTablesRequest{}
}

// DescribeRouteTablesResponse carries the route tables found.
type DescribeRouteTablesResponse struct {
	Response *struct {
		RouteTableSet []*RouteTable
	}
}

// DescribeRouteTables fails.
func (c *Client) DescribeRouteTables(r *DescribeRouteTablesRequest) (*DescribeRouteTablesResponse, error) {
	return nil, ErrNotBuilt
}

// DeleteRoutesRequest removes routes from a table.
type DeleteRoutesRequest struct {
	RouteTableId *string
	Routes       []*Route
}

// NewDeleteRoutesRequest returns an empty request.
func NewDeleteRoutesRequest() *DeleteRoutesRequest { return &DeleteRoutesRequest{} }

// DeleteRoutesResponse is the (empty) answer to DeleteRoutes.
type DeleteRoutesResponse struct{}

// DeleteRoutes fails.
func (c *Client) DeleteRoutes(r *DeleteRoutesRequest) (*DeleteRoutesResponse, error) {
	return nil, ErrNotBuilt
}

// CreateRoutesRequest adds routes to a table.
type CreateRoutesRequest struct {
	RouteTableId *string
	Routes       []*Route
}

// NewCreateRoutesRequest returns an empty request.
func NewCreateRoutesRequest() *CreateRoutesRequest { return &CreateRoutesRequest{} }

// CreateRoutesResponse is the (empty) answer to CreateRoutes.
type CreateRoutesResponse struct{}

// CreateRoutes fails.
func (c *Client) CreateRoutes(r *CreateRoutesRequest) (*CreateRoutesResponse, error) {
	return nil, ErrNotBuilt
}
