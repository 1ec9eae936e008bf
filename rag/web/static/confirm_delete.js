(name, scope) => [
  confirm('Delete this document? It will no longer be searched.') ? name : null, scope
]
