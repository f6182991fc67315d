"""policykg graph layer: records, the networkx graph, JSON, stores and pages."""
