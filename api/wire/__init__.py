"""Wire types of the REST API: msgspec structs with camelCase JSON names, and their builders."""
