"""The network's thematic groups: creating, joining, facilitators' decisions and invitations by
e-mail. Writes in `services`, reads in `selectors`, pages in `views` (mounted by `network.urls`,
URL names `network:group...`); who may do what is in `network.permissions`. The models (`Group`,
`GroupMembership`, `Invitation`) and forms stay with the network's own, which they share
(`Member`, the taxonomy)."""
