import type { LawEnforcementRequest } from '../domain/law-enforcement.ts';

export type { AnswerPackage, LawEnforcementRequest, PackageEntry } from '../domain/law-enforcement.ts';

export interface LawEnforcementStore {
  /** The customer whose identity guard holds this keyed hash of an ID number. */
  customerIdByIdNumberHash(idNumberHash: string): Promise<string | undefined>;
  /**
   * Stores the statement of an answer package in parts (it may outgrow one item). The request item
   * itself is written by the commit of the request, with its audit record.
   */
  saveParts(request: LawEnforcementRequest): Promise<void>;
  get(requestId: string): Promise<LawEnforcementRequest | undefined>;
}
