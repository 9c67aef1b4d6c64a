import type { LawEnforcementRequest } from '../domain/law-enforcement.ts';

export type { AnswerPackage, LawEnforcementRequest, PackageEntry } from '../domain/law-enforcement.ts';

export interface LawEnforcementStore {
  /** The customer whose identity guard holds this keyed hash of an ID number. */
  customerIdByIdNumberHash(idNumberHash: string): Promise<string | undefined>;
  /** Stores the request and its answer package (in parts: a statement may outgrow one item). */
  save(request: LawEnforcementRequest): Promise<void>;
  get(requestId: string): Promise<LawEnforcementRequest | undefined>;
}
