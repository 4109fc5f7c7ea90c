"""The library's English reasons, in Chinese for the UI (the CLI and its `--json` `error` stay English).

`zh(reason)` maps each message that `retrieval` raises or records (question and
quotation checks, unreadable files, index problems, document warnings) to a
Chinese sentence; a file name in front (`evil.txt: ...`) is kept. A reason no
rule knows is logged in English and shown as a generic Chinese sentence, so
no English ever reaches a reader.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

HAN = re.compile(r"[\u3400-\u9fff]")
# Latin that a Chinese sentence may carry: file names, encodings, formats, units, the build command.
ALLOWED_LATIN = re.compile(r"[\w./（）()-]+\.(?:txt|md|html?|docx|pdf|json)\b|UTF-8|GB18030|PDF|HTML|YAML|JSON|"
                           r"Word|MB|docx|make build|API", re.IGNORECASE)
# A stretch of a message without Han characters or Chinese punctuation: where English may sit.
SEGMENT = re.compile(r"[A-Za-z][^\u3400-\u9fff（）【】，。；：、“”]*")
UNKNOWN = "出现了未能识别的问题（详细原因已记入服务器日志）"

# (pattern searched in the English reason, Chinese template with the groups as {1}, {2}...)
RULES: tuple[tuple[str, str], ...] = (
    (r"the question must be text", "问题必须是文字"),
    (r"the question is empty", "问题是空的，请输入一个问题，例如：什么是一岗双责？"),
    (r"the question is too long \((\d+) characters, at most (\d+)\)", "问题太长（{1} 个字，最多 {2} 个字），请缩短后再问"),
    (r"the question has no words in it", "问题中没有可以检索的文字"),
    (r"the quotation is empty", "引文是空的，请粘贴要核对的引文"),
    (r"the quotation is longer than (\d+) characters", "引文太长（最多 {1} 个字），请分段核对"),
    (r"the quotation has no characters to compare", "引文中只有标点，没有可以比对的文字"),
    (r"doc_ids must be a list", "限定文献的选择无效"),
    (r"unknown doc_id", "所选文献已不在索引中（索引可能已更新），请刷新页面后重新选择"),
    (r"top_k must be", "返回段落数必须是数字"),
    (r"not UTF-8 or GB18030 text", "不是 UTF-8 或 GB18030 编码的文本"),
    (r"invalid (\S+) text", "文本中有不符合 {1} 编码的字节"),
    (r"binary data \(NUL bytes\)", "是二进制数据，不是文本"),
    (r"empty file", "文件是空的"),
    (r"no body text left after cleaning", "清理格式后没有正文"),
    (r"unsupported file type (\S+)", "不支持的文件类型 {1}"),
    (r"(\d+) MB, larger than", "文件过大（{1} MB）"),
    (r"cannot read file", "无法打开文件"),
    (r"not a readable \.docx file", "不是可以读取的 Word（.docx）文件"),
    (r"not a readable PDF", "不是可以读取的 PDF 文件"),
    (r"not a readable (\.\w+) file", "不是可以读取的 {1} 文件"),
    (r"the file holds (\S+) data, not (\S+?);", "文件内容其实是 {1} 数据，不是 {2} 文件"),
    (r"front matter opened .* never closed", "文首的 YAML 信息块没有结束行（---）"),
    (r"YAML front matter", "文首的 YAML 信息块格式有误"),
    (r"HTML nested more than", "HTML 嵌套过深，未读取"),
    (r"cannot parse HTML", "无法解析这个 HTML 文件"),
    (r"encrypted PDF", "PDF 已加密，需要密码才能打开"),
    (r"PDF has no extractable text", "PDF 中没有可以提取的文字（可能是扫描件）"),
    (r"invalid JSON sidecar|sidecar must be a JSON object", "附带的元数据文件（.json）格式有误"),
    (r"unknown field '([^']*)' ignored", "元数据中的未知字段“{1}”已忽略"),
    (r"(\w+) must be text, not .*; ignored", "元数据字段 {1} 不是文字，已忽略"),
    (r"date '([^']*)' is not a date", "元数据中的日期“{1}”格式不对（应为 年、年-月 或 年-月-日），已忽略"),
    (r"no title stated; inferred from the first paragraph", "未注明标题，标题由首段推断"),
    (r"no source stated", "未注明来源"),
    (r"no date stated", "未注明日期"),
    (r"index .* is stale", "索引与语料库或程序不一致，需要重建索引（make build）"),
    (r"index was built with model", "索引是用另一个向量模型建成的，需要重建索引（make build）"),
    (r"disk is full", "磁盘已满，无法写入索引"),
    (r"another build has been writing", "另一个重建任务正在写入索引，请稍后再试"),
    (r"cannot write the index", "无法写入索引文件夹"),
    (r"nothing to index", "语料库中没有能够读取的文献"),
    (r"the index could not be built", "建立索引时出错"),
    (r"rebuild the index|malformed record|disagree with the manifest|no longer matches", "索引文件已损坏，需要重建索引（make build）"),
    (r"corpus folder not found", "找不到语料库文件夹"),
    (r"no supported files", "语料库文件夹中没有支持的文件"),
)
COMPILED = tuple((re.compile(p), t) for p, t in RULES)
FILE_PREFIX = re.compile(r"^(?P<name>[^\s:：][^:：]{0,200}\.[A-Za-z0-9]{1,5}): (?P<rest>.+)$", re.DOTALL)


def english(text: str) -> bool:
    """Text holding Latin words other than file names, encodings and formats."""
    return bool(re.search(r"[A-Za-z]{2,}", ALLOWED_LATIN.sub("", text)))


def translate(reason: str) -> str:
    for pattern, template in COMPILED:
        found = pattern.search(reason)
        if found:
            return re.sub(r"\{(\d)\}", lambda m: found.group(int(m.group(1))), template)
    return ""


def whole(text: str) -> str:
    """One English reason in Chinese; `name.txt: <reason>` keeps the name: `name.txt：<中文>`."""
    prefix = FILE_PREFIX.match(text)
    name, rest = (prefix["name"], prefix["rest"]) if prefix else ("", text)
    chinese = translate(rest)
    if not chinese:
        log.warning("no Chinese wording for %r", text)
        chinese = UNKNOWN
    return f"{name}：{chinese}" if name else chinese


def zh(reason) -> str:
    """`reason` with every English part in Chinese (a Chinese message around an English one keeps its words)."""
    text = str(reason or "").strip()
    if not english(text):
        return text
    if not HAN.search(text):
        return whole(text)
    return SEGMENT.sub(lambda m: whole(m.group().strip()) if english(m.group()) else m.group(), text)
