"""The MCP server: the architecture and the pre-merge check as tools for coding agents."""
