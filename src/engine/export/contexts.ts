/**
 * The JSON-LD contexts a Clew crate names, trimmed to the terms Clew writes, so the crate can be
 * read as RDF with no network (a consumer's cached context; the tests' rdflib parse). Each term
 * maps to the IRI the published context gives it: RO-Crate 1.1 (https://w3id.org/ro/crate/1.1/context,
 * version 1.1.3) and the workflow-run terms (https://w3id.org/ro/terms/workflow-run/context).
 * A term added to roCrate.ts must be added here with the published context's IRI.
 */
import { RO_CRATE_CONTEXT_URL, WORKFLOW_RUN_CONTEXT_URL } from './vocabulary';

export const RO_CRATE_11_TERMS: Readonly<Record<string, string>> = {
  about: 'http://schema.org/about',
  actionStatus: 'http://schema.org/actionStatus',
  alternateName: 'http://schema.org/alternateName',
  appearance: 'http://schema.org/appearance',
  Claim: 'http://schema.org/Claim',
  ComputationalWorkflow: 'https://bioschemas.org/ComputationalWorkflow',
  ComputerLanguage: 'http://schema.org/ComputerLanguage',
  conformsTo: 'http://purl.org/dc/terms/conformsTo',
  contentSize: 'http://schema.org/contentSize',
  ControlAction: 'http://schema.org/ControlAction',
  CreateAction: 'http://schema.org/CreateAction',
  CreativeWork: 'http://schema.org/CreativeWork',
  Dataset: 'http://schema.org/Dataset',
  dateCreated: 'http://schema.org/dateCreated',
  datePublished: 'http://schema.org/datePublished',
  description: 'http://schema.org/description',
  endTime: 'http://schema.org/endTime',
  error: 'http://schema.org/error',
  File: 'http://schema.org/MediaObject',
  hasPart: 'http://schema.org/hasPart',
  HowTo: 'http://schema.org/HowTo',
  HowToStep: 'http://schema.org/HowToStep',
  identifier: 'http://schema.org/identifier',
  instrument: 'http://schema.org/instrument',
  isBasedOn: 'http://schema.org/isBasedOn',
  mainEntity: 'http://schema.org/mainEntity',
  mentions: 'http://schema.org/mentions',
  name: 'http://schema.org/name',
  object: 'http://schema.org/object',
  OrganizeAction: 'http://schema.org/OrganizeAction',
  position: 'http://schema.org/position',
  programmingLanguage: 'http://schema.org/programmingLanguage',
  PropertyValue: 'http://schema.org/PropertyValue',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  result: 'http://schema.org/result',
  SoftwareApplication: 'http://schema.org/SoftwareApplication',
  SoftwareSourceCode: 'http://schema.org/SoftwareSourceCode',
  softwareVersion: 'http://schema.org/softwareVersion',
  startTime: 'http://schema.org/startTime',
  step: 'http://schema.org/step',
  text: 'http://schema.org/text',
  url: 'http://schema.org/url',
  value: 'http://schema.org/value',
  version: 'http://schema.org/version',
  workExample: 'http://schema.org/workExample',
};

export const WORKFLOW_RUN_TERMS: Readonly<Record<string, string>> = {
  sha256: 'https://w3id.org/ro/terms/workflow-run#sha256',
  environment: 'https://w3id.org/ro/terms/workflow-run#environment',
};

/** Each remote context the crate names, as the JSON-LD document a loader would return for it. */
export const OFFLINE_CONTEXTS: Readonly<Record<string, { '@context': Readonly<Record<string, string>> }>> = {
  [RO_CRATE_CONTEXT_URL]: { '@context': RO_CRATE_11_TERMS },
  [WORKFLOW_RUN_CONTEXT_URL]: { '@context': WORKFLOW_RUN_TERMS },
};
