"""Agents: registered AI agents (name, metadata, steps, agent-scoped evaluators) and their links to
policies and controls (``AgentPolicy``, ``AgentControl``), with the v1 agent endpoints."""
