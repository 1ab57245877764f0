import prompts


def test_answer_prompt_numbers_passages_and_states_the_rules():
    messages = prompts.answer_prompt().format_messages(
        question="Câu hỏi?", refusal="Không tìm thấy.",
        passages=prompts.number_passages([("Bài A", "Nội dung A"), ("Bài B", "Nội dung B")]))
    system, human = messages[0].content, messages[1].content
    assert '"Không tìm thấy."' in system and "[1]" in system
    assert "[1] Bài A\nNội dung A\n\n[2] Bài B\nNội dung B" in human and human.endswith("Câu hỏi: Câu hỏi?")
