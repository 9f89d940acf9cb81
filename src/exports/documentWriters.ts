// The Word, Excel and PDF writers, each loaded on first use: docx, exceljs and pdfkit are most of what Headway would
// otherwise load at start-up, and a server or a command that never writes a document should not pay for them.
import type { ReportModel } from '../reports/reportModel.js';
import type { ActionPlanDocument } from './actionPlanDocument.js';

export async function actionPlanToDocx(doc: ActionPlanDocument): Promise<Buffer> {
  return (await import('./actionPlanDocx.js')).actionPlanToDocx(doc);
}

export async function actionPlanToPdf(doc: ActionPlanDocument): Promise<Buffer> {
  return (await import('./actionPlanPdf.js')).actionPlanToPdf(doc);
}

export async function actionPlanToXlsx(doc: ActionPlanDocument): Promise<Buffer> {
  return (await import('./actionPlanXlsx.js')).actionPlanToXlsx(doc);
}

export async function reportToWord(model: ReportModel): Promise<Buffer> {
  return (await import('./reportWord.js')).reportToWord(model);
}

export async function reportToPdf(model: ReportModel): Promise<Buffer> {
  return (await import('./reportPdf.js')).reportToPdf(model);
}
