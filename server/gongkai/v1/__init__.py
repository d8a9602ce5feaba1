"""Generated code of the gRPC contract proto/gongkai/v1/gongkai.proto (see gongkai.protogen)."""
