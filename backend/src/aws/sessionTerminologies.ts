import { DeleteTerminologyCommand, paginateListTerminologies, type TranslateClient } from "@aws-sdk/client-translate";

/**
 * Translate terminologies outlive the session that imported them unless deleted, and an
 * account holds a limited number of them per Region (Translate quotas:
 * https://docs.aws.amazon.com/translate/latest/dg/what-is-limits.html), so ending a session
 * deletes its terminology and the cleanup schedule deletes the ones left behind.
 */

export interface StoredTerminology {
  readonly name: string;
  /** Epoch milliseconds; undefined when Translate did not say. */
  readonly createdAt?: number;
}

/** Deletes a terminology; one already gone counts as deleted (DeleteTerminology answers ResourceNotFoundException). */
export async function deleteTerminology(client: TranslateClient, name: string): Promise<void> {
  try {
    await client.send(new DeleteTerminologyCommand({ Name: name }));
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") return;
    throw err;
  }
}

/**
 * Every terminology of the account in this Region, page by page (ListTerminologies answers
 * at most MaxResults, up to 500, and a NextToken for the rest:
 * https://docs.aws.amazon.com/translate/latest/APIReference/API_ListTerminologies.html).
 */
export async function listTerminologies(client: TranslateClient): Promise<StoredTerminology[]> {
  const found: StoredTerminology[] = [];
  for await (const page of paginateListTerminologies({ client, pageSize: 500 }, {})) {
    for (const t of page.TerminologyPropertiesList ?? []) {
      if (t.Name) found.push({ name: t.Name, ...(t.CreatedAt ? { createdAt: t.CreatedAt.getTime() } : {}) });
    }
  }
  return found;
}
